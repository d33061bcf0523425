using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// Options of the receive client. Where shares are read from is the store the same builder was given
/// (<c>AddS3Store(...)</c> or <c>AddLocalFolderStore(folder)</c>), under the client's bucket and prefix.
/// </summary>
public sealed class ReceiveClientOptions
{
    /// <summary>Gets the receiver's OpenPGP secret key(s), armored or binary (for example exported with <c>gpg --export-secret-keys</c>).</summary>
    /// <value>Empty. Listing needs no key; decrypting needs the key the shares were encrypted to.</value>
    public IList<OpenPgpKeySource> SecretKeys { get; } = new List<OpenPgpKeySource>();

    /// <summary>
    /// Gets the paths of the receiver's OpenPGP secret key files (armored or binary), read when the client is built; the
    /// form configuration can bind (<c>SecretKeyFiles:0</c>). Added to <see cref="SecretKeys"/>.
    /// </summary>
    /// <value>Empty.</value>
    public IList<string> SecretKeyFiles { get; } = new List<string>();

    /// <summary>
    /// Gets or sets the name of the environment variable holding the secret keys' passphrase, read when a protected key is
    /// first needed (the value itself never sits in configuration). Not together with <see cref="Passphrase"/>.
    /// </summary>
    /// <value><see langword="null"/>: use <see cref="Passphrase"/>.</value>
    public string? PassphraseEnvironmentVariable { get; set; }

    /// <summary>
    /// Gets or sets the folder where files received into code are spooled (one private subfolder per share, files 0600,
    /// each deleted once its callback returns) until their checks pass.
    /// </summary>
    /// <value><see langword="null"/>: the system's temporary folder.</value>
    public string? TemporaryDirectory { get; set; }

    /// <summary>
    /// Gets or sets the callback returning the passphrase of protected secret keys. It is called when a protected key is first
    /// needed; the passphrase is never logged or put in an exception message.
    /// </summary>
    /// <value><see langword="null"/>: the keys are not protected.</value>
    public Func<string>? Passphrase { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a share's objects are deleted from the store once every file of the share
    /// is in place and verified (files first, the manifest last, so an interrupted delete leaves a share that receives
    /// again as already received). The queue worker does not apply it: it deletes by
    /// <see cref="Queue.ShareQueueWorkerOptions.DeleteAfterReceive"/>, only once its handlers succeeded, so that a
    /// redelivered message still finds the share.
    /// </summary>
    /// <value><see langword="false"/>.</value>
    public bool DeleteAfterReceive { get; set; }

    /// <summary>Gets or sets how many files of one share are downloaded and decrypted at once.</summary>
    /// <value>4; between 1 and 64.</value>
    public int MaxConcurrentFiles { get; set; } = 4;

    /// <summary>
    /// Gets or sets how long a download may go without receiving a byte (the response headers or the next part of the
    /// body) before it is abandoned as stalled and tried again.
    /// </summary>
    /// <value>60 seconds; between 1 second and 1 hour.</value>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets how many times a file (or manifest) is downloaded when the download fails for a transient reason
    /// (a connection cut half-way, a stalled body, a 5xx answer the S3 client gave up on). Waits between attempts grow
    /// exponentially from 200 ms.
    /// </summary>
    /// <value>4; between 1 and 10.</value>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Gets or sets the largest plaintext size one file of a share may list; a manifest listing more is refused before anything is written.</summary>
    /// <value>64 GiB.</value>
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024 * 1024;

    /// <summary>Gets or sets the largest total plaintext size of one share; a manifest listing more is refused before anything is written.</summary>
    /// <value>1 TiB.</value>
    public long MaxShareBytes { get; set; } = 1024L * 1024 * 1024 * 1024;

    /// <summary>Gets or sets the most files one share may list; a manifest listing more is refused before anything is written.</summary>
    /// <value>100,000.</value>
    public int MaxFilesPerShare { get; set; } = 100_000;

    /// <summary>Gets or sets the most segments (folders and file name) a relative path of a share may have.</summary>
    /// <value>32.</value>
    public int MaxPathDepth { get; set; } = 32;

    /// <summary>
    /// Gets or sets how many plaintext bytes one ciphertext byte may become (compression), counted as the file streams
    /// (the first 64 KiB of ciphertext count as 64 KiB). A message that expands more is refused and nothing of it is kept:
    /// a few kilobytes of compressed zeros must not fill a disk.
    /// </summary>
    /// <value>1000.</value>
    public int MaxExpansionRatio { get; set; } = 1000;

    /// <summary>Gets or sets the endpoint of a KMS-compatible service for KMS envelope shares.</summary>
    /// <value>
    /// <see langword="null"/>: AWS KMS in the region named by each message's key ARN (or <see cref="KmsRegion"/>), through the
    /// host's <c>IAmazonKeyManagementService</c> when it registered one for that region and no KMS setting here is made.
    /// </value>
    public string? KmsServiceUrl { get; set; }

    /// <summary>Gets or sets the KMS region for KMS envelope shares.</summary>
    /// <value><see langword="null"/>: the region named in each message's key ARN.</value>
    public string? KmsRegion { get; set; }

    /// <summary>Gets or sets explicit credentials for KMS.</summary>
    /// <value><see langword="null"/>: the standard AWS chain.</value>
    public Amazon.Runtime.AWSCredentials? KmsCredentials { get; set; }

    /// <summary>
    /// Gets the KMS key ARNs that may decrypt KMS envelope shares. KMS envelope shares are received only when this or
    /// <see cref="AllowedKmsAccountIds"/> is set; a message whose data keys are all under other keys is refused before
    /// KMS is called (so a planted message cannot make the receiver call, and show itself to, a key of its choosing).
    /// </summary>
    /// <value>Empty: with no <see cref="AllowedKmsAccountIds"/> either, KMS envelope shares are refused.</value>
    public IList<string> AllowedKmsKeyIds { get; } = new List<string>();

    /// <summary>
    /// Gets the AWS accounts (12 digits) any of whose KMS keys in <see cref="KmsPartition"/> may decrypt KMS envelope
    /// shares (the AWS Encryption SDK's discovery filter), in addition to <see cref="AllowedKmsKeyIds"/>.
    /// </summary>
    /// <value>Empty.</value>
    public IList<string> AllowedKmsAccountIds { get; } = new List<string>();

    /// <summary>
    /// Gets or sets a value indicating whether every share must be signed by one of <see cref="PinnedSigners"/>: a share
    /// that is unsigned, signed by another key, signed by a partner pinned for another prefix, or whose signature does not
    /// verify is refused (<see cref="ReceiveStatus.Refused"/>) before any of its files is written. Requires pinned signers.
    /// </summary>
    /// <value><see langword="false"/>: unsigned shares are received; a signed share's signature is still verified.</value>
    public bool RequireSignedShares { get; set; }

    /// <summary>
    /// Gets the partners' signing key fingerprints accepted for this client's shares: <c>FINGERPRINT</c> (40 hex digits,
    /// spaces ignored) for any prefix, or <c>PREFIX=FINGERPRINT</c> for shares under that prefix only (the client's
    /// prefix or a prefix above it), so one partner cannot sign shares under another partner's prefix. Setting any
    /// requires <see cref="RequireSignedShares"/>. From configuration: <c>PinnedSigners:0</c>, <c>PinnedSigners:1</c>...
    /// </summary>
    /// <value>Empty.</value>
    public IList<string> PinnedSigners { get; } = new List<string>();

    /// <summary>Gets or sets the AWS partition of <see cref="AllowedKmsAccountIds"/>.</summary>
    /// <value><c>aws</c>.</value>
    public string KmsPartition { get; set; } = "aws";

    /// <summary>
    /// Starts building, on another thread, the KMS client a receive client built from options like these builds for
    /// the first of <see cref="AllowedKmsKeyIds"/> (same <see cref="KmsServiceUrl"/>, <see cref="KmsRegion"/> or else
    /// that key's region, the standard credential chain), and warms what its first call needs besides KMS: the SDK's
    /// code, the credential chain, the request and response code of Decrypt. A process that receives once can call it
    /// as soon as it knows it may meet a KMS envelope message, so this work overlaps its other start-up work; the first
    /// KMS decryption for that endpoint and region takes that client. No request is sent to KMS, and nothing is decided
    /// on that thread: a failure there is dropped, and the receive builds its client and reports as it would without
    /// this. Does nothing when <see cref="KmsCredentials"/> is set or no key ARN is given; the host's
    /// <c>IAmazonKeyManagementService</c>, where it is used, never takes the preloaded client. One client is preloaded
    /// at a time per process.
    /// </summary>
    /// <param name="cancellationToken">When already canceled, nothing is started.</param>
    public void PreloadKms(CancellationToken cancellationToken = default)
    {
        if (KmsCredentials is null && AllowedKmsKeyIds.Count > 0 && (KmsRegion ?? KmsKeyArn.RegionOf(AllowedKmsKeyIds[0])) is { } region)
        {
            KmsClientFactory.Preload(KmsServiceUrl, region, cancellationToken, forDecrypt: true);
        }
    }
}
