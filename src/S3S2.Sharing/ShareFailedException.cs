namespace S3S2.Sharing;

/// <summary>
/// A share did not complete: no manifest was uploaded, so receivers never see it. <see cref="Exception.InnerException"/>
/// is the cause (for example a <see cref="Policy.SharePolicyException"/>, an S3 error, or an I/O error reading a file).
/// </summary>
/// <remarks>
/// A share cancelled through its <see cref="CancellationToken"/> throws an <see cref="OperationCanceledException"/> for
/// that token (so <c>catch (OperationCanceledException)</c> keeps working), whose
/// <see cref="Exception.InnerException"/> is a <see cref="ShareFailedException"/> with the share id and uploaded keys,
/// itself wrapping the original cancellation. Objects already uploaded stay in the bucket without a manifest; a
/// lifecycle rule or the receiver's clean-up removes them.
/// </remarks>
public sealed class ShareFailedException : S3S2Exception
{
    /// <summary>Initializes a new instance of the <see cref="ShareFailedException"/> class.</summary>
    public ShareFailedException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ShareFailedException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public ShareFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ShareFailedException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public ShareFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ShareFailedException"/> class.</summary>
    /// <param name="shareId">The id of the share that failed.</param>
    /// <param name="uploadedKeys">The object keys uploaded before the failure.</param>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public ShareFailedException(string shareId, IReadOnlyList<string> uploadedKeys, string message, Exception innerException)
        : base(message, innerException)
    {
        ShareId = shareId;
        UploadedKeys = uploadedKeys;
    }

    /// <summary>Gets the id of the share that failed (empty when unknown).</summary>
    public string ShareId { get; } = string.Empty;

    /// <summary>Gets the object keys that were uploaded before the failure (files only: the manifest is never among them).</summary>
    public IReadOnlyList<string> UploadedKeys { get; } = [];
}
