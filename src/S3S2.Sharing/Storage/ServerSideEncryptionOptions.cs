using System.Text.Json.Serialization;

namespace S3S2.Sharing.Storage;

/// <summary>
/// Server-side encryption, in one place: what S3 is asked for on every upload (<see cref="Method"/>, <see cref="KmsKeyId"/>)
/// and what the share policy requires of it (<see cref="Required"/>, <see cref="AllowedKmsKeyIds"/>). The same settings
/// are read from configuration (<c>ServerSideEncryption:Method</c>, <c>:KmsKeyId</c>, <c>:Required</c>,
/// <c>:AllowedKmsKeyIds:N</c>), written into profiles (<c>serverSideEncryption</c>), and used by the bucket policy
/// generator and the queue worker's S3 destination.
/// </summary>
public sealed class ServerSideEncryptionOptions
{
    /// <summary>Gets or sets the server-side encryption S3 is asked for on every PUT and multipart upload.</summary>
    /// <value><see cref="ServerSideEncryptionMethod.None"/>: the bucket's default encryption applies.</value>
    public ServerSideEncryptionMethod Method { get; set; }

    /// <summary>Gets or sets the KMS key (ARN or id) for <see cref="ServerSideEncryptionMethod.Kms"/>; only with that method.</summary>
    /// <value><see langword="null"/>: S3's AWS-managed key for SSE-KMS (not usable across accounts).</value>
    public string? KmsKeyId { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the share policy refuses an upload without the server-side encryption of
    /// <see cref="Method"/>. A receiver's profile that requires it cannot be lifted by any other setting.
    /// </summary>
    /// <value><see langword="false"/>.</value>
    public bool Required { get; set; }

    /// <summary>Gets the KMS keys allowed for SSE-KMS; when any are given, an upload naming another key is refused.</summary>
    /// <value>Empty: any key.</value>
    [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
    public IList<string> AllowedKmsKeyIds { get; } = new List<string>();
}
