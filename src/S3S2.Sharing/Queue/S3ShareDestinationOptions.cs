using Amazon.Runtime;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Queue;

/// <summary>
/// Options of the S3 destination (<c>AddS3ShareDestination(...)</c>): another bucket and prefix, usually the receiver's
/// processed-data area, where each verified share is re-uploaded as plaintext under SSE-KMS with the receiver's key.
/// </summary>
public sealed class S3ShareDestinationOptions
{
    /// <summary>Gets or sets the destination bucket.</summary>
    /// <value>Required.</value>
    public string? Bucket { get; set; }

    /// <summary>Gets or sets the prefix under which each share is written as <c>&lt;prefix&gt;/&lt;shareId&gt;/&lt;relative path&gt;</c>.</summary>
    /// <value>Empty: the bucket's root.</value>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>
    /// Gets the server-side encryption every object is stored under: SSE-KMS with the receiver's key, required. Set
    /// <see cref="ServerSideEncryptionOptions.KmsKeyId"/> to the key's ARN: the plaintext of a share is never stored
    /// without encryption under a key the receiver chose, so another method, or no key, is refused.
    /// </summary>
    /// <value>Method <see cref="ServerSideEncryptionMethod.Kms"/>, required; no key (one must be set).</value>
    public ServerSideEncryptionOptions ServerSideEncryption { get; } = new() { Method = ServerSideEncryptionMethod.Kms, Required = true };

    /// <summary>Gets or sets the endpoint of an S3-compatible store.</summary>
    /// <value><see langword="null"/>: Amazon S3.</value>
    public string? ServiceUrl { get; set; }

    /// <summary>Gets or sets the AWS region of the destination bucket.</summary>
    /// <value><see langword="null"/>: the standard AWS chain.</value>
    public string? Region { get; set; }

    /// <summary>Gets or sets explicit credentials for the destination.</summary>
    /// <value><see langword="null"/>: the standard AWS chain.</value>
    public AWSCredentials? Credentials { get; set; }
}
