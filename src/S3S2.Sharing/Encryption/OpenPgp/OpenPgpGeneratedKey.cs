namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>A new receiver key pair.</summary>
/// <param name="Fingerprint">The primary key's fingerprint (40 upper-case hex digits): what partners pin.</param>
/// <param name="PublicKeyArmored">The armored public key: hand this to partners.</param>
/// <param name="SecretKeyArmored">The armored secret key: keep this with the receiver only.</param>
public sealed record OpenPgpGeneratedKey(string Fingerprint, string PublicKeyArmored, string SecretKeyArmored)
{
    /// <inheritdoc/>
    public override string ToString() => $"OpenPGP key {Fingerprint}";
}
