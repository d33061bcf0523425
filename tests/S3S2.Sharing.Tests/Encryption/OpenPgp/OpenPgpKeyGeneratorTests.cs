using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

[TestFixture]
public sealed class OpenPgpKeyGeneratorTests
{
    private const string Passphrase = "correct horse battery";

    [Test]
    public void Generate_WithPassphrase_EverySecretKeyUsesIteratedSha256S2kAtMaximumCountAndAes256()
    {
        var key = OpenPgpKeyGenerator.Generate("Protected <p@s3s2.test>", Passphrase, 2048);

        var secretKeys = Ring(key).GetSecretKeys().ToList();

        Assert.That(secretKeys, Has.Count.EqualTo(2), "primary and encryption subkey");
        foreach (var secret in secretKeys)
        {
            Assert.That(secret.KeyEncryptionAlgorithm, Is.EqualTo(SymmetricKeyAlgorithmTag.Aes256));
            Assert.That(secret.S2kUsage, Is.EqualTo(254), "SHA-1 check of the secret material");
            Assert.That(secret.S2k.HashAlgorithm, Is.EqualTo(HashAlgorithmTag.Sha256));
            Assert.That(secret.S2k.IterationCount, Is.EqualTo(65_011_712), "coded 0xFF, the most the format expresses");
            Assert.That(secret.ExtractPrivateKeyUtf8(Passphrase.ToCharArray()), Is.Not.Null);
            Assert.Throws<PgpException>(() => secret.ExtractPrivateKeyUtf8("wrong".ToCharArray()));
        }

        Assert.That(secretKeys[0].S2k.GetIV(), Is.Not.EqualTo(secretKeys[1].S2k.GetIV()), "each key has its own salt");
    }

    [Test]
    public void Generate_WithoutPassphrase_SecretKeysUnprotected()
    {
        var key = OpenPgpKeyGenerator.Generate("Open <o@s3s2.test>", default, 2048);

        Assert.That(Ring(key).GetSecretKeys().Select(k => k.KeyEncryptionAlgorithm), Is.All.EqualTo(SymmetricKeyAlgorithmTag.Null));
    }

    [Test]
    public async Task Generate_WithPassphrase_GpgReportsTheS2kAndDecryptsWithIt()
    {
        using var gpg = Gpg.Create();
        var key = OpenPgpKeyGenerator.Generate("Protected <p@s3s2.test>", Passphrase, 2048);
        var file = Path.Combine(gpg.Home, "secret.asc");
        await File.WriteAllTextAsync(file, key.SecretKeyArmored);

        var packets = await gpg.RunAsync("--list-packets", file);

        Assert.That(packets.ExitCode, Is.Zero, packets.StandardError);
        var lines = packets.StandardOutput.Split('\n');
        Assert.That(lines.Count(l => l.Contains("iter+salt S2K, algo: 9, SHA1 protection, hash: 8", StringComparison.Ordinal)), Is.EqualTo(2), packets.StandardOutput);
        Assert.That(lines.Count(l => l.Contains("protect count: 65011712", StringComparison.Ordinal)), Is.EqualTo(2), packets.StandardOutput);

        var env = new Dictionary<string, string?> { ["GNUPGHOME"] = gpg.Home };
        var import = await ProcessRunner.RunAsync("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", Passphrase, "--import", file], env);
        Assert.That(import.ExitCode, Is.Zero, import.StandardError);
        var message = Path.Combine(gpg.Home, "m.gpg");
        var encryptor = new OpenPgpEncryptor(TestKeys.Recipients(key), OpenPgpCompression.None);
        await using (var output = File.Create(message))
        {
            await encryptor.EncryptAsync(new MemoryStream("id,amount\n1,2\n"u8.ToArray()), output, new S3S2.Sharing.Encryption.EncryptionContext("s", "a.csv"));
        }

        var decrypted = await ProcessRunner.RunAsync("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", Passphrase, "--decrypt", message], env);

        Assert.That(decrypted.ExitCode, Is.Zero, decrypted.StandardError);
        Assert.That(decrypted.StandardOutput, Is.EqualTo("id,amount\n1,2\n"));
    }

    private static PgpSecretKeyRing Ring(OpenPgpGeneratedKey key) =>
        new(PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(key.SecretKeyArmored))));
}
