using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Interop;

/// <summary>OpenPGP.js (a second independent implementation) decrypts what we write, and we decrypt what it writes, byte for byte.</summary>
[TestFixture]
[Category("Interop")]
[NonParallelizable]
public sealed class OpenPgpJsInteropTests
{
    [Test]
    public async Task EncryptAsync_OurMessage_OpenPgpJsDecryptsByteIdentical([Values(0, 17, 65537, (1024 * 1024) + 3)] int size, [Values] OpenPgpCompression compression)
    {
        using var folder = new TempDirectory();
        var plaintext = TestData.Random(size, seed: size + 11);
        var message = await EncryptAsync(TestKeys.Recipients(TestKeys.Receiver, TestKeys.SecondReceiver), compression, plaintext);
        var input = folder.WriteFile("ours.gpg", message);

        foreach (var key in new[] { TestKeys.Receiver, TestKeys.SecondReceiver })
        {
            var secret = folder.WriteFile(key.Fingerprint + ".sec.asc", System.Text.Encoding.ASCII.GetBytes(key.SecretKeyArmored));
            var result = await OpenPgpJs.RunAsync("decrypt", "--key", secret, "--in", input, "--out", folder.Combine("out"));

            Assert.That(result.ExitCode, Is.Zero, () => result.StandardError);
            Assert.That(await File.ReadAllBytesAsync(folder.Combine("out")), Is.EqualTo(plaintext));
        }
    }

    /// <summary>zlib deflated in independent 1 MiB blocks on several cores is still one zlib stream to OpenPGP.js.</summary>
    [Test]
    public async Task EncryptAsync_ZlibAcrossParallelDeflateBlocks_OpenPgpJsDecryptsByteIdentical([Values] bool compressible)
    {
        using var folder = new TempDirectory();
        var size = (3 * 1024 * 1024) + 5;
        var plaintext = compressible ? TestData.Csv(100_000)[..size] : TestData.Random(size, seed: 5);
        var input = folder.WriteFile("ours.gpg", await EncryptAsync(TestKeys.Recipients(TestKeys.Receiver), OpenPgpCompression.Zlib, plaintext));
        var secret = folder.WriteFile("receiver.sec.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.SecretKeyArmored));

        var result = await OpenPgpJs.RunAsync("decrypt", "--key", secret, "--in", input, "--out", folder.Combine("out"));

        Assert.That(result.ExitCode, Is.Zero, () => result.StandardError);
        Assert.That(await File.ReadAllBytesAsync(folder.Combine("out")), Is.EqualTo(plaintext));
    }

    [Test]
    public async Task EncryptAsync_TamperedMessage_OpenPgpJsRefuses()
    {
        using var folder = new TempDirectory();
        var message = await EncryptAsync(TestKeys.Recipients(TestKeys.Receiver), OpenPgpCompression.None, TestData.Random(5000, seed: 5));
        message[^10] ^= 0x04;
        var input = folder.WriteFile("tampered.gpg", message);
        var secret = folder.WriteFile("receiver.sec.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.SecretKeyArmored));

        var result = await OpenPgpJs.RunAsync("decrypt", "--key", secret, "--in", input, "--out", folder.Combine("out"));

        Assert.That(result.ExitCode, Is.Not.Zero, "OpenPGP.js must refuse a modified message");
        Assert.That(File.Exists(folder.Combine("out")), Is.False);
    }

    [Test]
    public async Task DecryptAsync_OpenPgpJsMessage_ByteIdentical([Values(0, 17, (1024 * 1024) + 3)] int size, [Values("none", "zlib")] string compression)
    {
        using var folder = new TempDirectory();
        var plaintext = TestData.Random(size, seed: size + 13);
        var input = folder.WriteFile("plain", plaintext);
        var publicKey = folder.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));

        var result = await OpenPgpJs.RunAsync("encrypt", "--key", publicKey, "--compress", compression, "--in", input, "--out", folder.Combine("theirs.gpg"));
        Assert.That(result.ExitCode, Is.Zero, () => result.StandardError);

        using var output = new MemoryStream();
        var decryptor = new OpenPgpDecryptor(new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.SecretKeyArmored)], null));
        await decryptor.DecryptAsync(new NonSeekableStream(await File.ReadAllBytesAsync(folder.Combine("theirs.gpg"))), output, new DecryptionMessage("OpenPGP.js message", null), CancellationToken.None);

        Assert.That(output.ToArray(), Is.EqualTo(plaintext));
    }

    private static async Task<byte[]> EncryptAsync(IReadOnlyList<OpenPgpRecipient> recipients, OpenPgpCompression compression, byte[] plaintext)
    {
        using var output = new MemoryStream();
        await new OpenPgpEncryptor(recipients, compression).EncryptAsync(new NonSeekableStream(plaintext), output, new EncryptionContext("share", "data/a.csv"));
        return output.ToArray();
    }
}
