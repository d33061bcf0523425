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

    /// <summary>
    /// Gets or sets the zlib level, 1 (fastest, largest) to 9, used when <see cref="Compression"/> is zlib. The default
    /// trades a few percent of size for speed: on a 512 MiB CSV of orders, level 4 deflates to 31.3% of the input
    /// (1.07 times gpg's default compression), level 5 to 30.9% for 8% more CPU of the whole share, level 6 to 30.6% at
    /// 1.3 times the deflate CPU, level 7 to 28.8% (gpg's size) at 2.4 times; level 1 only to 45.9%. The work is spread
    /// over every core either way. On net8.0 the level maps to the nearest <see cref="System.IO.Compression.CompressionLevel"/>
    /// (1–3 fastest, 4–6 optimal, 7–9 smallest).
    /// </summary>
    /// <value>4.</value>
    public int CompressionLevel { get; set; } = DefaultCompressionLevel;

    /// <summary>The zlib level chosen from the benchmark figures in <see cref="CompressionLevel"/>'s description: 4.</summary>
    public const int DefaultCompressionLevel = 4;
}
