using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Interop;

/// <summary>What we write, the real gpg reads: with gpg-made keys (ECC) and with our own generated keys.</summary>
[TestFixture]
[Category("Interop")]
public sealed class GpgInteropTests
{
    [TestCase(OpenPgpCompression.Zlib)]
    [TestCase(OpenPgpCompression.None)]
    public async Task EncryptAsync_ToGpgMadeEccKey_GpgDecryptsAes256WithMdc(OpenPgpCompression compression)
    {
        using var gpg = Gpg.Create();
        var fingerprint = await gpg.GenerateEccKeyAsync("Receiver ECC <ecc@s3s2.test>");
        var recipients = OpenPgpRecipientKeys.Load([OpenPgpKeySource.FromArmoredString(await gpg.ExportPublicAsync(fingerprint))], DateTime.UtcNow);
        var plaintext = TestData.Csv(3000);

        var message = await EncryptAsync(new OpenPgpEncryptor(recipients, compression), plaintext);
        var (decrypted, status, exitCode) = await gpg.DecryptAsync(message);

        Assert.That(exitCode, Is.Zero, status);
        Assert.That(decrypted, Is.EqualTo(plaintext));
        Assert.That(status, Does.Contain("DECRYPTION_INFO 2 9"), "MDC (2) with AES-256 (9)");
        Assert.That(status, Does.Contain("GOODMDC"));
        Assert.That(recipients[0].Fingerprint, Is.EqualTo(fingerprint));
    }

    [Test]
    public async Task EncryptAsync_TwoRecipients_EachDecryptsAlone()
    {
        using var first = Gpg.Create();
        using var second = Gpg.Create();
        await first.ImportAsync(TestKeys.Receiver.SecretKeyArmored);
        await second.ImportAsync(TestKeys.SecondReceiver.SecretKeyArmored);
        var plaintext = TestData.Random(100_000, 3);

        var message = await EncryptAsync(new OpenPgpEncryptor(TestKeys.Recipients(TestKeys.Receiver, TestKeys.SecondReceiver), OpenPgpCompression.Zlib), plaintext);

        Assert.That((await first.DecryptAsync(message)).Plaintext, Is.EqualTo(plaintext));
        Assert.That((await second.DecryptAsync(message)).Plaintext, Is.EqualTo(plaintext));
    }

    [Test]
    public async Task Generate_WithPassphrase_GpgImportsTheSecretKeyAndDecrypts()
    {
        using var gpg = Gpg.Create();
        var key = OpenPgpKeyGenerator.Generate("Protected <protected@s3s2.test>", "correct horse", 2048);
        var file = Path.Combine(gpg.Home, "k.asc");
        await File.WriteAllTextAsync(file, key.SecretKeyArmored);
        var import = await ProcessRunner.RunAsync(
            "gpg",
            ["--batch", "--pinentry-mode", "loopback", "--passphrase", "correct horse", "--import", file],
            new Dictionary<string, string?> { ["GNUPGHOME"] = gpg.Home });
        Assert.That(import.ExitCode, Is.Zero, import.StandardError);
        var message = await EncryptAsync(new OpenPgpEncryptor(TestKeys.Recipients(key), OpenPgpCompression.Zlib), "x,y\n"u8.ToArray());
        await File.WriteAllBytesAsync(file + ".gpg", message);

        var wrong = await ProcessRunner.RunAsync("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "wrong", "--decrypt", file + ".gpg"], new Dictionary<string, string?> { ["GNUPGHOME"] = gpg.Home });
        var right = await ProcessRunner.RunAsync("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "correct horse", "--decrypt", file + ".gpg"], new Dictionary<string, string?> { ["GNUPGHOME"] = gpg.Home });

        Assert.That(wrong.ExitCode, Is.Not.Zero, "the secret key is really protected");
        Assert.That(right.ExitCode, Is.Zero, right.StandardError);
        Assert.That(right.StandardOutput, Is.EqualTo("x,y\n"));
    }

    [Test]
    public async Task ShareAsync_LocalFolderStoreWithGpgMadeRsaKey_EveryObjectDecrypts()
    {
        using var gpg = Gpg.Create();
        var generate = await gpg.RunAsync("--quick-generate-key", "RSA receiver <rsa@s3s2.test>", "rsa3072", "encr,sign", "never");
        Assert.That(generate.ExitCode, Is.Zero, generate.StandardError);
        var fingerprint = await gpg.FingerprintAsync("rsa@s3s2.test");
        using var store = new TempDirectory();
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Prefix = "p")
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(gpg.ExportPublicAsync(fingerprint).GetAwaiter().GetResult()));
                o.PinnedFingerprints.Add(fingerprint);
            })
            .AddLocalFolderStore(store.Path);
        await using var provider = services.BuildServiceProvider();
        var content = TestData.Csv(50);

        var receipt = await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(content), "a/b.csv");

        Assert.That((await gpg.DecryptAsync(await File.ReadAllBytesAsync(Path.Combine(store.Path, receipt.Files[0].Key)))).Plaintext, Is.EqualTo(content));
    }

    private static async Task<byte[]> EncryptAsync(OpenPgpEncryptor encryptor, byte[] plaintext)
    {
        using var output = new MemoryStream();
        await encryptor.EncryptAsync(new NonSeekableStream(plaintext), output, new EncryptionContext("share", "data/a.csv"));
        return output.ToArray();
    }
}
