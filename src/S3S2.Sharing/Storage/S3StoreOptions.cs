using Amazon.Runtime;

namespace S3S2.Sharing.Storage;

/// <summary>Options of the S3 uploader.</summary>
public sealed class S3StoreOptions
{
    /// <summary>The smallest part S3 accepts (except the last).</summary>
    public const int MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>Gets or sets the AWS region (for example <c>eu-west-1</c>).</summary>
    /// <value>
    /// <see langword="null"/>: the region of the host's <c>IAmazonS3</c> or of the standard AWS chain (AWS_REGION, profile).
    /// </value>
    public string? Region { get; set; }

    /// <summary>
    /// Gets or sets the endpoint of an S3-compatible store (for example <c>http://127.0.0.1:4568</c>). The client then
    /// uses path-style addressing and plain (non aws-chunked) payloads, which such stores need to keep bytes exact.
    /// </summary>
    /// <value><see langword="null"/>: Amazon S3.</value>
    public string? ServiceUrl { get; set; }

    /// <summary>Gets or sets explicit credentials (with <see cref="RoleArn"/>: the credentials that assume the role).</summary>
    /// <value><see langword="null"/>: the standard AWS chain (environment variables, profiles, instance roles).</value>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// Gets or sets the ARN of an IAM role to assume for the upload, typically one in the receiver's account that may
    /// write to the partner's prefix (<c>arn:aws:iam::111122223333:role/BigDataRider</c>). The role is assumed through
    /// STS with <see cref="Credentials"/> (or the standard AWS chain), and the temporary credentials are refreshed before
    /// they expire. STS is reached as the AWS SDK is configured (<c>AWS_REGION</c>, <c>AWS_ENDPOINT_URL_STS</c>, profile).
    /// </summary>
    /// <value><see langword="null"/>: no role; the credentials are used as they are.</value>
    public string? RoleArn { get; set; }

    /// <summary>Gets or sets the external id the role's trust policy requires (<c>sts:ExternalId</c>), given by the receiver.</summary>
    /// <value><see langword="null"/>: none.</value>
    public string? RoleExternalId { get; set; }

    /// <summary>Gets or sets the role session name, which the receiver sees in CloudTrail.</summary>
    /// <value><see langword="null"/>: <c>s3s2-share</c>.</value>
    public string? RoleSessionName { get; set; }

    /// <summary>Gets or sets the body size above which a multipart upload is used; it is also the first part's size.</summary>
    /// <value>8 MiB; at least 5 MiB.</value>
    public int MultipartThreshold { get; set; } = 8 * 1024 * 1024;

    /// <summary>Gets or sets the size of the parts after the first.</summary>
    /// <value>8 MiB; at least 5 MiB.</value>
    public int PartSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Gets or sets how many parts of one object are uploaded at once. Memory per file is about threshold + parts × part size.</summary>
    /// <value>4.</value>
    public int MaxConcurrentParts { get; set; } = 4;
}
