using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>
/// Self-signatures by RSA keys are verified on .NET's RSA (SHA-1, SHA-2), the rest by BouncyCastle: every answer is
/// checked against BouncyCastle's own verification of the same signature, and altered signatures are refused.
/// </summary>
[TestFixture]
public sealed class OpenPgpSelfSignaturesTests
{
    private const int SignOnly = PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign;
    private const int Encrypt = PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage;
    private const string UserId = "Test <test@s3s2.test>";
    private static readonly SecureRandom Random = new();

    // SHA-1 and SHA-2 take the .NET path; SHA-224 and RIPEMD-160 stay with BouncyCastle.
    [TestCase(HashAlgorithmTag.Sha1)]
    [TestCase(HashAlgorithmTag.Sha256)]
    [TestCase(HashAlgorithmTag.Sha384)]
    [TestCase(HashAlgorithmTag.Sha512)]
    [TestCase(HashAlgorithmTag.Sha224)]
    [TestCase(HashAlgorithmTag.RipeMD160)]
    public void AllowsEncryption_SelfSignaturesWithHash_VerifyAsBouncyCastleDoes(HashAlgorithmTag hash)
    {
        var (primary, subkey) = MakeRing(hash, SignOnly);

        Assert.Multiple(() =>
        {
            Assert.That(OpenPgpSelfSignatures.AllowsEncryption(primary, subkey), Is.True);
            Assert.That(OpenPgpSelfSignatures.AllowsEncryption(primary, primary), Is.False, "the primary's verified certification says sign-only");
            Assert.That(OpenPgpSelfSignatures.NewestBinding(primary, subkey), Is.Not.Null);
            Assert.That(BouncyCastleVerifies(Binding(subkey), primary, subkey), Is.True);
        });
    }

    [TestCase(HashAlgorithmTag.Sha1)]
    [TestCase(HashAlgorithmTag.Sha256)]
    [TestCase(HashAlgorithmTag.Sha512)]
    [TestCase(HashAlgorithmTag.Sha224)]
    public void VerifiesBinding_SignatureValueAltered_False(HashAlgorithmTag hash)
    {
        var (primary, subkey) = MakeRing(hash, SignOnly);
        var altered = Alter(Binding(subkey));

        Assert.Multiple(() =>
        {
            Assert.That(OpenPgpSelfSignatures.VerifiesBinding(altered, primary, subkey), Is.False);
            Assert.That(BouncyCastleVerifies(altered, primary, subkey), Is.False);
        });
    }

    [Test]
    public void VerifiesBinding_BindingOfAnotherSubkey_False()
    {
        var (primary, subkey) = MakeRing(HashAlgorithmTag.Sha256, SignOnly);
        var (_, other) = MakeRing(HashAlgorithmTag.Sha256, SignOnly);

        Assert.Multiple(() =>
        {
            Assert.That(OpenPgpSelfSignatures.VerifiesBinding(Binding(subkey), primary, subkey), Is.True);
            Assert.That(OpenPgpSelfSignatures.VerifiesBinding(Binding(subkey), primary, other), Is.False);
        });
    }

    [TestCase(HashAlgorithmTag.Sha256)]
    [TestCase(HashAlgorithmTag.Sha224)]
    public void AllowsEncryption_CertificationMovedToAnotherUserId_PrimaryRefused(HashAlgorithmTag hash)
    {
        var (honest, _) = MakeRing(hash, Encrypt);
        var certification = honest.GetSignaturesForId(UserId).Single();
        var moved = PgpPublicKey.AddCertification(PgpPublicKey.RemoveCertification(honest, UserId), "Someone else <else@s3s2.test>", certification);

        Assert.Multiple(() =>
        {
            Assert.That(OpenPgpSelfSignatures.AllowsEncryption(honest, honest), Is.True);
            Assert.That(OpenPgpSelfSignatures.AllowsEncryption(moved, moved), Is.False, "no self-signature verifies, so the key may not be used");
        });
    }

    [Test]
    public void AllowsEncryption_DirectKeySignature_VerifiedAndAlteredOneRefused()
    {
        var pair = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, Rsa(), DateTime.UtcNow.AddDays(-1));
        var generator = new PgpSignatureGenerator(PublicKeyAlgorithmTag.RsaGeneral, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.DirectKey, pair.PrivateKey);
        var packets = new PgpSignatureSubpacketGenerator();
        packets.SetKeyFlags(false, Encrypt);
        generator.SetHashedSubpackets(packets.Generate());
        var direct = generator.GenerateCertification(pair.PublicKey);

        var signed = PgpPublicKey.AddCertification(pair.PublicKey, direct);
        var forged = PgpPublicKey.AddCertification(pair.PublicKey, Alter(direct));

        Assert.Multiple(() =>
        {
            Assert.That(OpenPgpSelfSignatures.VerifiesDirect(direct, signed), Is.True);
            Assert.That(OpenPgpSelfSignatures.AllowsEncryption(signed, signed), Is.True);
            Assert.That(OpenPgpSelfSignatures.AllowsEncryption(forged, forged), Is.False);
        });
    }

    [Test]
    public async Task AllowsEncryption_GpgMadeRsaKey_EachSignatureVerifiesAsBouncyCastleSays()
    {
        using var gpg = Gpg.Create();
        var generate = await gpg.RunAsync("--quick-generate-key", "Gpg receiver <gpg@s3s2.test>", "rsa2048", "sign,cert", "never");
        Assert.That(generate.ExitCode, Is.Zero, () => generate.StandardError);
        var fingerprint = await gpg.FingerprintAsync("gpg@s3s2.test");
        var add = await gpg.RunAsync("--cert-digest-algo", "SHA384", "--quick-add-key", fingerprint, "rsa2048", "encr", "never");
        Assert.That(add.ExitCode, Is.Zero, () => add.StandardError);
        var armored = await gpg.ExportPublicAsync(fingerprint);

        var ring = new PgpPublicKeyRing(PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armored))));
        var primary = ring.GetPublicKey();
        var subkey = ring.GetPublicKeys().Single(k => !k.IsMasterKey);
        var certification = primary.GetSignaturesForId("Gpg receiver <gpg@s3s2.test>").Single();
        var binding = Binding(subkey);

        Assert.Multiple(() =>
        {
            Assert.That(binding.HashAlgorithm, Is.EqualTo(HashAlgorithmTag.Sha384));
            Assert.That(OpenPgpSelfSignatures.VerifiesBinding(binding, primary, subkey), Is.True);
            Assert.That(BouncyCastleVerifies(binding, primary, subkey), Is.True);
            Assert.That(OpenPgpSelfSignatures.VerifiesBinding(Alter(binding), primary, subkey), Is.False);
            Assert.That(OpenPgpSelfSignatures.AllowsEncryption(primary, subkey), Is.True);
            Assert.That(OpenPgpSelfSignatures.AllowsEncryption(primary, primary), Is.False, "gpg made a sign-only primary");
            Assert.That(BouncyCastleVerifiesUserId(certification, primary), Is.True);
        });
    }

    private static (PgpPublicKey Primary, PgpPublicKey Subkey) MakeRing(HashAlgorithmTag hash, int primaryFlags)
    {
        var created = DateTime.UtcNow.AddDays(-1);
        var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, Rsa(), created);
        var primaryPackets = new PgpSignatureSubpacketGenerator();
        primaryPackets.SetKeyFlags(false, primaryFlags);
        var generator = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification, primary, UserId, SymmetricKeyAlgorithmTag.Null, hash,
            Array.Empty<char>(), false, primaryPackets.Generate(), null, Random);
        var subkeyPackets = new PgpSignatureSubpacketGenerator();
        subkeyPackets.SetKeyFlags(false, Encrypt);
        var pair = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, Rsa(), created);
        generator.AddSubKey(pair, subkeyPackets.Generate(), null, hash);
        var ring = generator.GeneratePublicKeyRing();
        return (ring.GetPublicKey(), ring.GetPublicKey(pair.KeyId));
    }

    private static Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair Rsa()
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), Random, 1024, 25));
        return generator.GenerateKeyPair();
    }

    private static PgpSignature Binding(PgpPublicKey subkey) => subkey.GetSignaturesOfType(PgpSignature.SubkeyBinding).Single();

    /// <summary>The same signature with the last octet of its value changed.</summary>
    private static PgpSignature Alter(PgpSignature signature)
    {
        var encoded = signature.GetEncoded();
        encoded[^1] ^= 0x01;
        return ((PgpSignatureList)new PgpObjectFactory(encoded).NextPgpObject())[0];
    }

    private static bool BouncyCastleVerifies(PgpSignature signature, PgpPublicKey primary, PgpPublicKey subkey)
    {
        signature.InitVerify(primary);
        return signature.VerifyCertification(primary, subkey);
    }

    private static bool BouncyCastleVerifiesUserId(PgpSignature signature, PgpPublicKey primary)
    {
        signature.InitVerify(primary);
        return signature.VerifyCertification(primary.GetUserIds().Single(), primary);
    }
}
