using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>Builds public key rings with chosen subkeys (age, lifetime, flags, revocation) for the key selection tests.</summary>
internal static class TestKeyRings
{
    public sealed record Subkey(DateTime Created, TimeSpan? Lifetime = null, int Flags = PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage, bool Revoked = false, bool Unbound = false);

    private static readonly SecureRandom Random = new();
    private static readonly Lazy<RsaKeyPairGenerator> Rsa = new(() =>
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), Random, 1024, 25));
        return generator;
    });

    /// <summary>Returns the armored public ring and the key ids of its subkeys, in the order given.</summary>
    public static (string Armored, long PrimaryKeyId, long[] SubkeyIds) Build(
        int primaryFlags, DateTime? primaryCreated = null, TimeSpan? primaryLifetime = null, bool primaryRevoked = false, params Subkey[] subkeys)
    {
        var created = primaryCreated ?? DateTime.UtcNow.AddDays(-30);
        var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, Rsa.Value.GenerateKeyPair(), created);
        var primaryPackets = new PgpSignatureSubpacketGenerator();
        primaryPackets.SetKeyFlags(false, primaryFlags);
        if (primaryLifetime is { } life)
        {
            primaryPackets.SetKeyExpirationTime(false, (long)life.TotalSeconds);
        }

        var generator = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification, primary, "Test <test@s3s2.test>", SymmetricKeyAlgorithmTag.Null, HashAlgorithmTag.Sha256,
            Array.Empty<char>(), false, primaryPackets.Generate(), null, Random);
        var pairs = new List<PgpKeyPair>();
        foreach (var subkey in subkeys)
        {
            var pair = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, Rsa.Value.GenerateKeyPair(), subkey.Created);
            var packets = new PgpSignatureSubpacketGenerator();
            packets.SetKeyFlags(false, subkey.Flags);
            if (subkey.Lifetime is { } lifetime)
            {
                packets.SetKeyExpirationTime(false, (long)lifetime.TotalSeconds);
            }

            generator.AddSubKey(pair, packets.Generate(), null, HashAlgorithmTag.Sha256);
            pairs.Add(pair);
        }

        var ring = generator.GeneratePublicKeyRing();
        for (var i = 0; i < subkeys.Length; i++)
        {
            var key = ring.GetPublicKey(pairs[i].KeyId);
            if (subkeys[i].Unbound)
            {
                // Replace the binding with one made by another key: the subkey is then not certified by the primary.
                var stranger = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, Rsa.Value.GenerateKeyPair(), created);
                var forged = Certify(stranger, key, PgpSignature.SubkeyBinding, primary.PublicKey);
                foreach (var signature in key.GetSignatures().ToList())
                {
                    key = PgpPublicKey.RemoveCertification(key, signature);
                }

                key = PgpPublicKey.AddCertification(key, forged);
            }

            if (subkeys[i].Revoked)
            {
                key = PgpPublicKey.AddCertification(key, Certify(primary, key, PgpSignature.SubkeyRevocation, primary.PublicKey));
            }

            ring = PgpPublicKeyRing.InsertPublicKey(ring, key);
        }

        if (primaryRevoked)
        {
            var generatorSig = new PgpSignatureGenerator(PublicKeyAlgorithmTag.RsaGeneral, HashAlgorithmTag.Sha256);
            generatorSig.InitSign(PgpSignature.KeyRevocation, primary.PrivateKey);
            var revocation = generatorSig.GenerateCertification(primary.PublicKey);
            ring = PgpPublicKeyRing.InsertPublicKey(ring, PgpPublicKey.AddCertification(ring.GetPublicKey(), revocation));
        }

        return (Armor(ring), primary.KeyId, pairs.Select(p => p.KeyId).ToArray());
    }

    /// <summary>
    /// A primary key (no subkeys) whose honest self-signature carries <paramref name="honestFlags"/>, plus a newer
    /// self-signature claiming <paramref name="forgedFlags"/> whose signature value is corrupted, so it does not verify:
    /// what anyone can append to a public key.
    /// </summary>
    public static string BuildWithForgedSelfSignature(int honestFlags, int forgedFlags)
    {
        var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, Rsa.Value.GenerateKeyPair(), DateTime.UtcNow.AddDays(-30));
        var honest = new PgpSignatureSubpacketGenerator();
        honest.SetKeyFlags(false, honestFlags);
        honest.SetSignatureCreationTime(false, DateTime.UtcNow.AddDays(-30));
        var ring = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification, primary, "Test <test@s3s2.test>", SymmetricKeyAlgorithmTag.Null, HashAlgorithmTag.Sha256,
            Array.Empty<char>(), false, honest.Generate(), null, Random).GeneratePublicKeyRing();

        var claimed = new PgpSignatureSubpacketGenerator();
        claimed.SetKeyFlags(false, forgedFlags);
        claimed.SetSignatureCreationTime(false, DateTime.UtcNow.AddMinutes(-1));
        var generator = new PgpSignatureGenerator(PublicKeyAlgorithmTag.RsaGeneral, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.PositiveCertification, primary.PrivateKey);
        generator.SetHashedSubpackets(claimed.Generate());
        var encoded = generator.GenerateCertification("Test <test@s3s2.test>", primary.PublicKey).GetEncoded();
        encoded[^1] ^= 0x01;
        var forged = ((PgpSignatureList)new PgpObjectFactory(encoded).NextPgpObject())[0];
        ring = PgpPublicKeyRing.InsertPublicKey(ring, PgpPublicKey.AddCertification(ring.GetPublicKey(), "Test <test@s3s2.test>", forged));
        return Armor(ring);
    }

    private static PgpSignature Certify(PgpKeyPair signer, PgpPublicKey subkey, int type, PgpPublicKey primary)
    {
        var generator = new PgpSignatureGenerator(PublicKeyAlgorithmTag.RsaGeneral, HashAlgorithmTag.Sha256);
        generator.InitSign(type, signer.PrivateKey);
        var packets = new PgpSignatureSubpacketGenerator();
        packets.SetKeyFlags(false, PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage);
        generator.SetHashedSubpackets(packets.Generate());
        return generator.GenerateCertification(primary, subkey);
    }

    private static string Armor(PgpPublicKeyRing ring)
    {
        using var buffer = new MemoryStream();
        using (var armored = new ArmoredOutputStream(buffer))
        {
            ring.Encode(armored);
        }

        return Encoding.ASCII.GetString(buffer.ToArray());
    }
}
