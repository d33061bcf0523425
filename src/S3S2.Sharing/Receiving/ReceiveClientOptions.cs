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
}
