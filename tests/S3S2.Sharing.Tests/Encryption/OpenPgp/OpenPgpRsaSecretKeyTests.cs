using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>RSA secret keys unlocked straight into .NET's RSA: the same key BouncyCastle extracts, or a refusal.</summary>
[TestFixture]
public sealed class OpenPgpRsaSecretKeyTests
{
    private static readonly byte[] Content = TestData.Csv(2000);

    [TestCase("")]
    [TestCase("correct horse")]
    public void Unlock_GeneratedKey_SameKeyAsBouncyCastleExtracts(string passphrase)
    {
        var generated = OpenPgpKeyGenerator.Generate("Receiver <receiver@s3s2.test>", passphrase, 2048);

        foreach (var key in SecretRing(generated.SecretKeyArmored).GetSecretKeys())
        {
            using var rsa = OpenPgpRsaSecretKey.Unlock(key, passphrase.ToCharArray());
            var expected = (RsaPrivateCrtKeyParameters)key.ExtractPrivateKey(passphrase.ToCharArray()).Key;
            var actual = rsa.ExportParameters(includePrivateParameters: true);
            var half = actual.P!.Length;

            Assert.Multiple(() =>
            {
                Assert.That(actual.Modulus, Is.EqualTo(expected.Modulus.ToByteArrayUnsigned()));
                Assert.That(actual.D, Is.EqualTo(BigIntegers.AsUnsignedByteArray(actual.Modulus!.Length, expected.Exponent)));
                Assert.That(actual.P, Is.EqualTo(BigIntegers.AsUnsignedByteArray(half, expected.P)));
                Assert.That(actual.Q, Is.EqualTo(BigIntegers.AsUnsignedByteArray(half, expected.Q)));
                Assert.That(actual.DP, Is.EqualTo(BigIntegers.AsUnsignedByteArray(half, expected.DP)));
                Assert.That(actual.DQ, Is.EqualTo(BigIntegers.AsUnsignedByteArray(half, expected.DQ)));
                Assert.That(actual.InverseQ, Is.EqualTo(BigIntegers.AsUnsignedByteArray(half, expected.QInv)));
            });
        }
    }

    [Test]
    public void Unlock_WrongPassphrase_ThrowsPgpException()
    {
        var generated = OpenPgpKeyGenerator.Generate("Receiver <receiver@s3s2.test>", "right", 2048);
        var key = SecretRing(generated.SecretKeyArmored).GetSecretKey();

        Assert.Throws<PgpException>(() => OpenPgpRsaSecretKey.Unlock(key, "wrong".ToCharArray()));
    }

    [Test]
    public void Unlock_UnprotectedSecretMaterialAltered_RefusedByItsChecksum()
    {
        var generated = OpenPgpKeyGenerator.Generate("Receiver <receiver@s3s2.test>", default, 2048);
        var (encoded, secretStart) = PrimarySecretPacket(generated);
        encoded[secretStart + 10] ^= 0x01;

        var error = Assert.Throws<PgpException>(() => OpenPgpRsaSecretKey.Unlock(new PgpSecretKeyRing(encoded).GetSecretKey(), []));

        Assert.That(error!.Message, Does.Contain("checksum"));
    }

    [Test]
    public void Unlock_PrimesThatAreNotTheModulusFactors_Refused()
    {
        var generated = OpenPgpKeyGenerator.Generate("Receiver <receiver@s3s2.test>", default, 2048);
        // p changed in two places so that the octet sum (the only check an unprotected key has) still matches.
        var encoded = WithWrongPrimes(generated);

        var error = Assert.Throws<PgpException>(() => OpenPgpRsaSecretKey.Unlock(new PgpSecretKeyRing(encoded).GetSecretKey(), []));

        Assert.That(error!.Message, Does.Contain("do not match the public modulus"));
    }

    [Test]
    public void ProvesModulus_UnprotectedKey_TrueForEveryKeyOfTheRing()
    {
        var generated = OpenPgpKeyGenerator.Generate("Receiver <receiver@s3s2.test>", default, 2048);

        Assert.That(SecretRing(generated.SecretKeyArmored).GetSecretKeys().Select(OpenPgpRsaSecretKey.ProvesModulus), Is.EqualTo(new[] { true, true }));
    }

    [Test]
    public void ProvesModulus_ProtectedKey_False()
    {
        var generated = OpenPgpKeyGenerator.Generate("Receiver <receiver@s3s2.test>", "locked", 2048);

        Assert.That(SecretRing(generated.SecretKeyArmored).GetSecretKeys().Select(OpenPgpRsaSecretKey.ProvesModulus), Is.EqualTo(new[] { false, false }));
    }

    [Test]
    public void ProvesModulus_PrimesThatAreNotTheModulusFactorsOrAlteredChecksum_False()
    {
        var generated = OpenPgpKeyGenerator.Generate("Receiver <receiver@s3s2.test>", default, 2048);
        var (checksum, secretStart) = PrimarySecretPacket(generated);
        checksum[secretStart + 10] ^= 0x01;

        Assert.Multiple(() =>
        {
            Assert.That(OpenPgpRsaSecretKey.ProvesModulus(new PgpSecretKeyRing(WithWrongPrimes(generated)).GetSecretKey()), Is.False);
            Assert.That(OpenPgpRsaSecretKey.ProvesModulus(new PgpSecretKeyRing(checksum).GetSecretKey()), Is.False);
            Assert.That(OpenPgpRsaSecretKey.ProvesModulus(SecretRing(generated.SecretKeyArmored).GetSecretKey()), Is.True, "the same key undamaged");
        });
    }

    [Test]
    public void SecretKeysLoad_UnprotectedKey_ModulusCheckedByItsPrimesNotBouncyCastle()
    {
        var generated = OpenPgpKeyGenerator.Generate("Receiver <receiver@s3s2.test>", default, 2048);
        var primary = SecretRing(generated.SecretKeyArmored).GetPublicKey();
        Assert.That(OpenPgpSelfSignatures.ModulusCheckOf(primary), Is.EqualTo(OpenPgpSelfSignatures.ModulusCheck.None), "a fresh key");

        var keys = new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(generated.SecretKeyArmored)], null);

        Assert.Multiple(() =>
        {
            Assert.That(keys.EncryptionKeyIds.Count(), Is.EqualTo(1), "the self-signatures still verify");
            Assert.That(OpenPgpSelfSignatures.ModulusCheckOf(primary), Is.EqualTo(OpenPgpSelfSignatures.ModulusCheck.SecretPrimes));
        });
    }

    [Test]
    public void SecretKeysLoad_ProtectedKey_ModulusCheckedByBouncyCastle()
    {
        var generated = OpenPgpKeyGenerator.Generate("Receiver <receiver@s3s2.test>", "locked", 2048);
        var primary = SecretRing(generated.SecretKeyArmored).GetPublicKey();

        var keys = new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(generated.SecretKeyArmored)], () => "locked");

        Assert.Multiple(() =>
        {
            Assert.That(keys.EncryptionKeyIds.Count(), Is.EqualTo(1));
            Assert.That(OpenPgpSelfSignatures.ModulusCheckOf(primary), Is.EqualTo(OpenPgpSelfSignatures.ModulusCheck.BouncyCastle));
        });
    }

    [Test]
    public void RecipientKeysLoad_PartnersPublicKey_ModulusCheckedByBouncyCastle()
    {
        var generated = OpenPgpKeyGenerator.Generate("Partner <partner@s3s2.test>", default, 2048);

        var recipients = OpenPgpRecipientKeys.Load([OpenPgpKeySource.FromArmoredString(generated.PublicKeyArmored)], DateTime.UtcNow);

        Assert.Multiple(() =>
        {
            Assert.That(recipients, Has.Count.EqualTo(1));
            Assert.That(OpenPgpSelfSignatures.ModulusCheckOf(SecretRing(generated.SecretKeyArmored).GetPublicKey()), Is.EqualTo(OpenPgpSelfSignatures.ModulusCheck.BouncyCastle), "no secret part: the full check");
        });
    }

    [Test]
    public void SecretKeysLoad_PrimesThatAreNotTheModulusFactors_BouncyCastleChecksAndTheUnlockRefusesAsBefore()
    {
        var generated = OpenPgpKeyGenerator.Generate("Receiver <receiver@s3s2.test>", default, 2048);
        var damaged = new PgpSecretKeyRing(WithWrongPrimes(generated));
        var keys = new OpenPgpSecretKeys([OpenPgpKeySource.FromBytes(damaged.GetEncoded())], null);

        var ids = keys.KeyIds.ToList();
        var error = Assert.Throws<EncryptionKeyException>(() => keys.Decryptor(damaged.GetPublicKey().KeyId));

        Assert.Multiple(() =>
        {
            Assert.That(ids, Is.EqualTo(new[] { damaged.GetPublicKey().KeyId }));
            Assert.That(OpenPgpSelfSignatures.ModulusCheckOf(damaged.GetPublicKey()), Is.EqualTo(OpenPgpSelfSignatures.ModulusCheck.BouncyCastle));
            Assert.That(error!.Message, Does.Contain("the passphrase is wrong or the key is damaged"));
            Assert.That(error.InnerException!.Message, Does.Contain("do not match the public modulus"));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task DecryptAsync_GpgMadeRsaKeyAndMessage_Plaintext(bool protectedKey)
    {
        using var gpg = Gpg.Create();
        var generate = await gpg.RunAsync("--quick-generate-key", "Gpg receiver <gpg@s3s2.test>", "rsa2048", "sign,cert", "never");
        Assert.That(generate.ExitCode, Is.Zero, () => generate.StandardError);
        var fingerprint = await gpg.FingerprintAsync("gpg@s3s2.test");
        var add = await gpg.RunAsync("--quick-add-key", fingerprint, "rsa2048", "encr", "never");
        Assert.That(add.ExitCode, Is.Zero, () => add.StandardError);
        var secret = await gpg.ExportSecretAsync(fingerprint);
        if (protectedKey)
        {
            var ring = PgpSecretKeyRing.CopyWithNewPassword(SecretRing(secret), [], "gpg's key, now locked".ToCharArray(), SymmetricKeyAlgorithmTag.Aes256, new SecureRandom());
            secret = Armor(ring);
        }

        var input = Path.Combine(gpg.Home, "plain.csv");
        await File.WriteAllBytesAsync(input, Content);
        var encrypt = await gpg.RunAsync("--trust-model", "always", "--recipient", fingerprint, "--output", input + ".gpg", "--encrypt", input);
        Assert.That(encrypt.ExitCode, Is.Zero, () => encrypt.StandardError);

        var keys = new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(secret)], protectedKey ? () => "gpg's key, now locked" : null);
        using var plaintext = new MemoryStream();
        await new OpenPgpDecryptor(keys).DecryptAsync(new MemoryStream(await File.ReadAllBytesAsync(input + ".gpg")), plaintext, new DecryptionMessage("plain.csv", null), CancellationToken.None);

        Assert.That(plaintext.ToArray(), Is.EqualTo(Content));
    }

    /// <summary>The unprotected primary key (with its user id and self-signature) whose prime p is changed in two octets so that the octet checksum still matches.</summary>
    private static byte[] WithWrongPrimes(OpenPgpGeneratedKey generated)
    {
        var (encoded, secretStart) = PrimarySecretPacket(generated);
        var d = (((encoded[secretStart] << 8) | encoded[secretStart + 1]) + 7) / 8;
        var i = secretStart + 2 + d + 2 + 20;
        while (encoded[i] == 0xFF || encoded[i + 1] == 0)
        {
            i++;
        }

        encoded[i]++;
        encoded[i + 1]--;
        return encoded;
    }

    private static PgpSecretKeyRing SecretRing(string armored) =>
        new(PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.ASCII.GetBytes(armored))));

    /// <summary>The unprotected primary key's encoding and where its secret MPIs start (after the public part and the usage octet).</summary>
    private static (byte[] Encoded, int SecretStart) PrimarySecretPacket(OpenPgpGeneratedKey generated)
    {
        var key = SecretRing(generated.SecretKeyArmored).GetSecretKey();
        var encoded = key.GetEncoded();
        var publicLength = key.PublicKey.PublicKeyPacket.GetEncodedContents().Length;
        var headerLength = (encoded[0] & 0x40) != 0
            ? (encoded[1] < 192 ? 2 : encoded[1] < 224 ? 3 : 6)
            : 1 + (1 << (encoded[0] & 0x03));
        return (encoded, headerLength + publicLength + 1);
    }

    private static string Armor(PgpSecretKeyRing ring)
    {
        using var buffer = new MemoryStream();
        using (var armored = new ArmoredOutputStream(buffer))
        {
            ring.Encode(armored);
        }

        return Encoding.ASCII.GetString(buffer.ToArray());
    }
}
