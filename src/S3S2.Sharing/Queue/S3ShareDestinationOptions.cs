using Amazon.Runtime;

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
    /// Gets or sets the receiver's KMS key (ARN or id) every object is encrypted under (SSE-KMS). Required: the
    /// plaintext of a share is never stored without encryption under a key the receiver chose.
    /// </summary>
    /// <value>Required.</value>
    public string? KmsKeyId { get; set; }

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
