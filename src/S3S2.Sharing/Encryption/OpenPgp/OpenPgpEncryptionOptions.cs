namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>Options of the OpenPGP encryptor: who can read the shares.</summary>
public sealed class OpenPgpEncryptionOptions
{
    /// <summary>Gets the receiver's public key(s). A key file holding several public keys makes each one a recipient.</summary>
    /// <value>Empty; at least one key is required.</value>
    public IList<OpenPgpKeySource> RecipientKeys { get; } = new List<OpenPgpKeySource>();

    /// <summary>
    /// Gets the pinned primary-key fingerprints (40 hex digits; spaces ignored). When any are given, the set of
    /// recipients' fingerprints must equal this set, else the policy refuses every upload.
    /// </summary>
    /// <value>Empty: no pinning.</value>
    public IList<string> PinnedFingerprints { get; } = new List<string>();

    /// <summary>Gets or sets the compression applied before encryption.</summary>
    /// <value><see cref="OpenPgpCompression.Zlib"/>.</value>
    public OpenPgpCompression Compression { get; set; } = OpenPgpCompression.Zlib;
}
