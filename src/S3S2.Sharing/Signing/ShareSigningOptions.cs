using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Signing;

/// <summary>
/// Options of share signing: the partner's own OpenPGP key, whose primary key signs each share's manifest (which holds
/// every file's SHA-256), so the receiver can tell who sent the share.
/// </summary>
public sealed class ShareSigningOptions
{
    /// <summary>
    /// Gets or sets the partner's secret signing key (armored or binary; from <c>s3s2 keygen --signing</c> or
    /// <c>gpg --export-secret-keys</c>). Its primary key signs: RSA (2048 bits or more), ECDSA or Ed25519.
    /// </summary>
    /// <value>No default; required.</value>
    public OpenPgpKeySource? SigningKey { get; set; }

    /// <summary>Gets or sets the callback returning the signing key's passphrase; called once, never logged.</summary>
    /// <value><see langword="null"/>: the key is not protected.</value>
    public Func<string>? Passphrase { get; set; }

    /// <summary>
    /// Gets or sets the fingerprint (40 hex digits; spaces ignored) the signing key must have, for example from the
    /// share profile. A different key is refused when the client starts, before anything is shared.
    /// </summary>
    /// <value><see langword="null"/>: any key.</value>
    public string? PinnedFingerprint { get; set; }
}
