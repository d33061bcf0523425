using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Upload;

/// <summary>
/// An upload the share policy has allowed. It has no public constructor: the only way to obtain one is
/// through the policy, so no uploader can be handed a body the policy has not seen.
/// </summary>
public sealed class UploadRequest
{
    internal UploadRequest(string? bucket, string key, string contentType, IReadOnlyDictionary<string, string> metadata, ServerSideEncryptionMethod serverSideEncryptionMethod, string? serverSideEncryptionKmsKeyId, Stream body)
    {
        Bucket = bucket;
        Key = key;
        ContentType = contentType;
        Metadata = metadata;
        ServerSideEncryptionMethod = serverSideEncryptionMethod;
        ServerSideEncryptionKmsKeyId = serverSideEncryptionKmsKeyId;
        Body = body;
    }

    /// <summary>Gets the bucket, or <see langword="null"/> for stores without buckets.</summary>
    public string? Bucket { get; }

    /// <summary>Gets the object key (checked to lie inside the configured prefix).</summary>
    public string Key { get; }

    /// <summary>Gets the content type.</summary>
    public string ContentType { get; }

    /// <summary>Gets the user metadata (never secret: share id and mode).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets the server-side encryption to request (<see cref="ServerSideEncryptionOptions.Method"/>), <see cref="ServerSideEncryptionMethod.None"/> for none.</summary>
    public ServerSideEncryptionMethod ServerSideEncryptionMethod { get; }

    /// <summary>Gets the KMS key to request with <see cref="ServerSideEncryptionMethod.Kms"/>, or <see langword="null"/>.</summary>
    public string? ServerSideEncryptionKmsKeyId { get; }

    /// <summary>Gets the encrypted body, read once to its end; its length is not known in advance.</summary>
    public Stream Body { get; }
}
