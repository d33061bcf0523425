using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Bcpg.Sig;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Makes receiver keys that gpg and this library accept: an RSA primary key that certifies and signs, and an
/// RSA subkey that encrypts; preferences AES-256, SHA-512, zlib; the secret key protected with AES-256 and
/// iterated SHA-256 S2K when a passphrase is given.
/// </summary>
public static class OpenPgpKeyGenerator
{
    /// <summary>Generates a key pair.</summary>
    /// <param name="userId">The user id, for example <c>AwesomeAI receiver &lt;data@awesome.example&gt;</c>.</param>
    /// <param name="passphrase">Protects the secret key; empty for none.</param>
    /// <param name="rsaBits">The RSA key size: 3072 (default) or 4096.</param>
    /// <returns>The armored public and secret keys and the fingerprint.</returns>
    public static OpenPgpGeneratedKey Generate(string userId, ReadOnlySpan<char> passphrase = default, int rsaBits = 3072)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        if (rsaBits is not (2048 or 3072 or 4096))
        {
            throw new ArgumentOutOfRangeException(nameof(rsaBits), rsaBits, "Use 3072 or 4096 (2048 only for tests).");
        }

        return Generate(userId, passphrase, rsaBits, DateTime.UtcNow, subkeyLifetime: null, encryptionSubkey: true);
    }

    /// <summary>The full form, for tests that need old, expiring or sign-only keys.</summary>
    internal static OpenPgpGeneratedKey Generate(string userId, ReadOnlySpan<char> passphrase, int rsaBits, DateTime created, TimeSpan? subkeyLifetime, bool encryptionSubkey)
    {
        var random = new SecureRandom();
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), random, rsaBits, 100));
        var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), created);

        var primaryPackets = new PgpSignatureSubpacketGenerator();
        primaryPackets.SetKeyFlags(false, PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign);
        primaryPackets.SetPreferredSymmetricAlgorithms(false, [(int)SymmetricKeyAlgorithmTag.Aes256, (int)SymmetricKeyAlgorithmTag.Aes192, (int)SymmetricKeyAlgorithmTag.Aes128]);
        primaryPackets.SetPreferredHashAlgorithms(false, [(int)HashAlgorithmTag.Sha512, (int)HashAlgorithmTag.Sha384, (int)HashAlgorithmTag.Sha256]);
        primaryPackets.SetPreferredCompressionAlgorithms(false, [(int)CompressionAlgorithmTag.ZLib, (int)CompressionAlgorithmTag.Zip, (int)CompressionAlgorithmTag.Uncompressed]);
        primaryPackets.SetFeature(false, Features.FEATURE_MODIFICATION_DETECTION);

        // gpg rejects an unprotected secret key written with a SHA-1 check ("Checksum error"): use it only with a passphrase.
        var protect = !passphrase.IsEmpty;
        var rings = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification,
            primary,
            userId,
            protect ? SymmetricKeyAlgorithmTag.Aes256 : SymmetricKeyAlgorithmTag.Null,
            HashAlgorithmTag.Sha256,
            protect ? passphrase.ToArray() : [],
            protect,
            primaryPackets.Generate(),
            null,
            random);

        if (encryptionSubkey)
        {
            var subkeyPackets = new PgpSignatureSubpacketGenerator();
            subkeyPackets.SetKeyFlags(false, PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage);
            if (subkeyLifetime is { } lifetime)
            {
                subkeyPackets.SetKeyExpirationTime(false, (long)lifetime.TotalSeconds);
            }

            rings.AddSubKey(new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), created), subkeyPackets.Generate(), null, HashAlgorithmTag.Sha256);
        }

        var publicRing = rings.GeneratePublicKeyRing();
        return new OpenPgpGeneratedKey(
            Convert.ToHexString(publicRing.GetPublicKey().GetFingerprint()),
            Armor(publicRing.Encode),
            Armor(rings.GenerateSecretKeyRing().Encode));
    }

    private static string Armor(Action<Stream> encode)
    {
        using var buffer = new MemoryStream();
        using (var armored = new ArmoredOutputStream(buffer))
        {
            encode(armored);
        }

        return Encoding.ASCII.GetString(buffer.ToArray());
    }
}
