namespace S3S2.Sharing.Storage;

/// <summary>Where shares are read from: an S3 bucket or a local folder store, addressed by object key.</summary>
internal interface IShareStore
{
    /// <summary>Gets a description for messages (the bucket or folder, never credentials).</summary>
    string Description { get; }

    /// <summary>Lists the objects and the folders directly under <paramref name="prefix"/> (as S3 does with delimiter '/').</summary>
    Task<StoreListing> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Opens an object for reading; the stream need not be seekable. Throws <see cref="ObjectNotFoundException"/> when it is missing.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes an object; a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
