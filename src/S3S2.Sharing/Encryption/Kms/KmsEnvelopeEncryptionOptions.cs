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
    /// CloudTrail). The library adds <c>s3s2:share-id</c> (not the file's path: every message of a share carries the same
    /// context, the one KMS binds the share's data key to); keys starting with <c>s3s2:</c> or <c>aws-crypto-</c> are
    /// reserved.
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

    /// <summary>
    /// Gets or sets how many messages (files, and the share's manifest) one data key from KMS may protect, as the
    /// AWS Encryption SDK's caching materials manager bounds reuse. Each message still has its own random message id
    /// and so its own HKDF-derived AES key and key commitment; what is reused is the KMS call and the encrypted data
    /// key in the header. A data key is never reused across shares: KMS binds it to an encryption context holding the
    /// share id. Because of that binding, the context of every message of a share is the same (share id and the
    /// extra pairs, not the file's path); each file's path, size and SHA-256 are bound by the encrypted manifest.
    /// 1 asks KMS for a data key per message.
    /// </summary>
    /// <value>10,000. Between 1 and 4,294,967,296.</value>
    public long MaxMessagesPerDataKey { get; set; } = DefaultMaxMessagesPerDataKey;

    /// <summary>
    /// Gets or sets how many plaintext bytes one data key may protect. The count grows as messages are encrypted and
    /// is checked before a message starts: once it is reached, the next message gets a new data key (messages being
    /// encrypted at that moment finish under the key they started with).
    /// </summary>
    /// <value>68,719,476,736 (64 GiB). At least 1.</value>
    public long MaxBytesPerDataKey { get; set; } = DefaultMaxBytesPerDataKey;

    /// <summary>
    /// Gets or sets how long a data key may be used for new messages after KMS generated it; it is erased from
    /// memory once its age, message or byte bound is reached.
    /// </summary>
    /// <value>5 minutes. Between 1 second and 1 day.</value>
    public TimeSpan MaxDataKeyAge { get; set; } = DefaultMaxDataKeyAge;

    /// <summary>
    /// Starts building, on another thread, the KMS client an encryptor built from options like these builds (same
    /// <see cref="ServiceUrl"/>, <see cref="Region"/> or else the first key's region, the standard credential chain),
    /// and warms what its first call needs besides KMS: the SDK's code, the credential chain, the request and response
    /// code of GenerateDataKey. A process that shares once can call it as soon as it knows the keys, so this work
    /// overlaps its other start-up work; the next encryptor built with those settings takes that client. No request is
    /// sent to KMS, and nothing is decided on that thread: a failure there is dropped, and the encryptor builds and
    /// reports as it would without this. Does nothing when <see cref="Credentials"/> is set or no key is given; one
    /// client is preloaded at a time per process.
    /// </summary>
    /// <param name="cancellationToken">When already canceled, nothing is started.</param>
    public void Preload(CancellationToken cancellationToken = default)
    {
        if (Credentials is null && KeyIds.Count > 0)
        {
            KmsClientFactory.Preload(ServiceUrl, Region ?? KmsKeyArn.RegionOf(KeyIds[0]), cancellationToken);
        }
    }

    /// <summary>The default frame length: 64 KiB.</summary>
    public const int DefaultFrameLength = 64 * 1024;

    /// <summary>The default of <see cref="MaxMessagesPerDataKey"/>: 10,000.</summary>
    public const long DefaultMaxMessagesPerDataKey = 10_000;

    /// <summary>The default of <see cref="MaxBytesPerDataKey"/>: 64 GiB.</summary>
    public const long DefaultMaxBytesPerDataKey = 64L * 1024 * 1024 * 1024;

    /// <summary>The default of <see cref="MaxDataKeyAge"/>: 5 minutes.</summary>
    public static readonly TimeSpan DefaultMaxDataKeyAge = TimeSpan.FromMinutes(5);
}
