using Amazon.Runtime;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>
/// Options of the KMS envelope encryptor: which KMS keys protect each file's data key, and the AWS Encryption SDK
/// message settings. Messages are AWS Encryption SDK message format version 2, readable by the official SDKs and CLI.
/// </summary>
public sealed class KmsEnvelopeEncryptionOptions
{
    /// <summary>
    /// Gets the KMS key ARNs (<c>arn:aws:kms:REGION:ACCOUNT:key/ID</c>) that can decrypt the shares. The first one
    /// generates each data key; every further key encrypts the same data key again (one encrypted data key per key).
    /// Key ARNs are required, not aliases: the share policy checks that each message names exactly these keys.
    /// </summary>
    /// <value>Empty; at least one key is required.</value>
    public IList<string> KeyIds { get; } = new List<string>();

    /// <summary>Gets or sets the algorithm suite.</summary>
    /// <value><see cref="KmsAlgorithmSuite.AesGcm256HkdfSha512Commit"/> (0x0478).</value>
    public KmsAlgorithmSuite AlgorithmSuite { get; set; } = KmsAlgorithmSuite.AesGcm256HkdfSha512Commit;

    /// <summary>Gets or sets the plaintext bytes per frame. Memory per file grows with it (about three frames).</summary>
    /// <value>65,536 (64 KiB). Between 1,024 and 16,777,216.</value>
    public int FrameLength { get; set; } = DefaultFrameLength;

    /// <summary>
    /// Gets extra encryption context pairs written into every message and sent to KMS (they show in the key owner's
    /// CloudTrail). The library adds <c>s3s2:share-id</c> and <c>s3s2:path</c>; keys starting with <c>s3s2:</c> or
    /// <c>aws-crypto-</c> are reserved.
    /// </summary>
    /// <value>Empty.</value>
    public IDictionary<string, string> EncryptionContext { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets a KMS-compatible endpoint URL (for tests or a VPC endpoint).</summary>
    /// <value><see langword="null"/>: the regional AWS KMS endpoint.</value>
    public string? ServiceUrl { get; set; }

    /// <summary>Gets or sets the AWS region of the KMS client.</summary>
    /// <value><see langword="null"/>: the standard AWS chain (AWS_REGION, profile).</value>
    public string? Region { get; set; }

    /// <summary>Gets or sets the credentials of the KMS client.</summary>
    /// <value><see langword="null"/>: the standard AWS credential chain.</value>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>The default frame length: 64 KiB.</summary>
    public const int DefaultFrameLength = 64 * 1024;
}
