using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// Options of the receive client. Where shares are read from is the store the same builder was given
/// (<c>AddS3Uploader(...)</c> or <c>AddLocalFolderStore(folder)</c>), under the client's bucket and prefix.
/// </summary>
public sealed class ReceiveClientOptions
{
    /// <summary>Gets the receiver's OpenPGP secret key(s), armored or binary (for example exported with <c>gpg --export-secret-keys</c>).</summary>
    /// <value>Empty. Listing needs no key; decrypting needs the key the shares were encrypted to.</value>
    public IList<OpenPgpKeySource> SecretKeys { get; } = new List<OpenPgpKeySource>();

    /// <summary>
    /// Gets or sets the callback returning the passphrase of protected secret keys. It is called when a protected key is first
    /// needed; the passphrase is never logged or put in an exception message.
    /// </summary>
    /// <value><see langword="null"/>: the keys are not protected.</value>
    public Func<string>? Passphrase { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a share's objects are deleted from the store once every file of the share
    /// is in place and verified (files first, the manifest last, so an interrupted delete leaves a share that receives
    /// again as already received).
    /// </summary>
    /// <value><see langword="false"/>.</value>
    public bool DeleteAfterReceive { get; set; }

    /// <summary>Gets or sets how many files of one share are downloaded and decrypted at once.</summary>
    /// <value>2; between 1 and 64.</value>
    public int MaxConcurrentFiles { get; set; } = 2;

    /// <summary>Gets or sets the endpoint of a KMS-compatible service for KMS envelope shares.</summary>
    /// <value><see langword="null"/>: AWS KMS in the region named by each message's key ARN (or <see cref="KmsRegion"/>).</value>
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

    /// <summary>Gets or sets the AWS partition of <see cref="AllowedKmsAccountIds"/>.</summary>
    /// <value><c>aws</c>.</value>
    public string KmsPartition { get; set; } = "aws";
}
