using Org.BouncyCastle.Bcpg.OpenPgp;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>One recipient: the primary key that names it and the key chosen to encrypt to it.</summary>
/// <param name="Fingerprint">The primary key's fingerprint, upper-case hex.</param>
/// <param name="UserId">The first user id, for messages.</param>
/// <param name="EncryptionKey">The newest valid encryption-capable subkey, else the primary key.</param>
/// <param name="Ring">The whole public key ring the recipient came from.</param>
/// <param name="ExpiresUtc">When the primary or the chosen encryption key expires, whichever is first; <see langword="null"/> for never.</param>
internal sealed record OpenPgpRecipient(string Fingerprint, string UserId, PgpPublicKey EncryptionKey, PgpPublicKeyRing Ring, DateTime? ExpiresUtc = null)
{
    private readonly Lazy<OpenPgpSessionKeyEncryptor> _sessionKeys = new(() => new OpenPgpSessionKeyEncryptor(EncryptionKey), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets the encryption key converted once, for every message written to this recipient.</summary>
    public OpenPgpSessionKeyEncryptor SessionKeys => _sessionKeys.Value;

    public override string ToString() => $"{Fingerprint} ({UserId})";
}
