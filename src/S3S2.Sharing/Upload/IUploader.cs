namespace S3S2.Sharing.Upload;

/// <summary>
/// Stores one encrypted object. Uploaders only ever receive an <see cref="UploadRequest"/>, which only the
/// share policy creates after it has checked the target and the bytes about to be sent.
/// </summary>
public interface IUploader
{
    /// <summary>Stores <see cref="UploadRequest.Body"/> under <see cref="UploadRequest.Key"/>, so that a reader sees all of it or nothing.</summary>
    /// <param name="request">The authorized request.</param>
    /// <param name="cancellationToken">Stops the upload; nothing is left visible.</param>
    /// <returns>A task that completes when the object is stored.</returns>
    Task UploadAsync(UploadRequest request, CancellationToken cancellationToken = default);
}
