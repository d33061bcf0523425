using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Interop;

/// <summary>
/// The message layer against the real gpg, byte for byte: what we write at sizes around the cipher block and the
/// 64 KiB partial-length chunk, to gpg-made RSA-3072 and Cv25519 keys; and what gpg writes (files and pipes, so
/// definite and partial lengths; no, zip and zlib compression) read back by our decryptor.
/// </summary>
[TestFixture]
[Category("Interop")]
public sealed class GpgMessageInteropTests
{
    private static readonly int[] Sizes = [0, 1, 15, 16, 17, 65535, 65536, 65537, (1024 * 1024) + 3, (3 * 1024 * 1024) + 5];
    private Gpg _rsa = null!;
    private Gpg _ecc = null!;
    private string _rsaFingerprint = null!;
    private string _eccFingerprint = null!;

    public enum KeyKind
    {
        Rsa3072,
        Cv25519,
    }

    [OneTimeSetUp]
    public async Task CreateKeys()
    {
        _rsa = Gpg.Create();
        var generate = await _rsa.RunAsync("--quick-generate-key", "RSA receiver <rsa@s3s2.test>", "rsa3072", "sign,cert", "never");
        Assert.That(generate.ExitCode, Is.Zero, generate.StandardError);
        _rsaFingerprint = await _rsa.FingerprintAsync("rsa@s3s2.test");
        var add = await _rsa.RunAsync("--quick-add-key", _rsaFingerprint, "rsa3072", "encr", "never");
        Assert.That(add.ExitCode, Is.Zero, add.StandardError);

        _ecc = Gpg.Create();
        _eccFingerprint = await _ecc.GenerateEccKeyAsync("ECC receiver <ecc@s3s2.test>");
    }

    [OneTimeTearDown]
    public void DeleteKeys()
    {
        _rsa?.Dispose();
        _ecc?.Dispose();
    }

    [Test]
    public async Task EncryptAsync_SizesAroundBlockAndChunkBoundaries_GpgDecryptsByteIdentical(
        [ValueSource(nameof(Sizes))] int size, [Values] OpenPgpCompression compression, [Values] KeyKind key)
    {
        var (gpg, fingerprint) = Home(key);
        var recipients = OpenPgpRecipientKeys.Load([OpenPgpKeySource.FromArmoredString(await gpg.ExportPublicAsync(fingerprint))], DateTime.UtcNow);
        var plaintext = compression == OpenPgpCompression.Zlib ? Csv(size) : TestData.Random(size, seed: size);

        var message = await EncryptAsync(new OpenPgpEncryptor(recipients, compression), plaintext);
        var (decrypted, status, exitCode) = await gpg.DecryptAsync(message);

        Assert.That(exitCode, Is.Zero, status);
        Assert.That(decrypted, Is.EqualTo(plaintext));
        Assert.That(status, Does.Contain("DECRYPTION_INFO 2 9"), "MDC (2) with AES-256 (9)");
        Assert.That(status, Does.Contain("GOODMDC"));
    }

    [Test]
    public async Task EncryptAsync_RsaAndCv25519Recipients_EachGpgDecryptsAlone([Values] OpenPgpCompression compression)
    {
        var recipients = OpenPgpRecipientKeys.Load(
            [OpenPgpKeySource.FromArmoredString(await _rsa.ExportPublicAsync(_rsaFingerprint)), OpenPgpKeySource.FromArmoredString(await _ecc.ExportPublicAsync(_eccFingerprint))],
            DateTime.UtcNow);
        var plaintext = Csv(70_000);

        var message = await EncryptAsync(new OpenPgpEncryptor(recipients, compression), plaintext);

        Assert.That((await _rsa.DecryptAsync(message)).Plaintext, Is.EqualTo(plaintext));
        Assert.That((await _ecc.DecryptAsync(message)).Plaintext, Is.EqualTo(plaintext));
    }

    [Test]
    public async Task DecryptAsync_GpgMessage_ByteIdentical(
        [Values(0, 17, 65537, (1024 * 1024) + 3)] int size, [Values("none", "zip", "zlib")] string compression, [Values] KeyKind key, [Values] bool piped)
    {
        var (gpg, fingerprint) = Home(key);
        var plaintext = compression == "none" ? TestData.Random(size, seed: size + 7) : Csv(size);
        var message = await GpgEncryptAsync(gpg, fingerprint, plaintext, compression, piped);
        var decryptor = new OpenPgpDecryptor(new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(await gpg.ExportSecretAsync(fingerprint))], null));

        using var output = new MemoryStream();
        await decryptor.DecryptAsync(new NonSeekableStream(message), output, new DecryptionMessage("gpg message", null), CancellationToken.None);

        Assert.That(output.ToArray(), Is.EqualTo(plaintext));
    }

    [Test]
    public async Task DecryptAsync_GpgMessageWithFlippedCiphertextByte_IntegrityException([Values] KeyKind key)
    {
        var (gpg, fingerprint) = Home(key);
        var message = await GpgEncryptAsync(gpg, fingerprint, TestData.Random(100_000, seed: 3), "none", piped: true);
        message[message.Length / 2] ^= 0x01;
        var decryptor = new OpenPgpDecryptor(new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(await gpg.ExportSecretAsync(fingerprint))], null));

        var error = await Assert.ThrowsAsync<IntegrityException>(() => decryptor.DecryptAsync(new NonSeekableStream(message), Stream.Null, new DecryptionMessage("gpg message", null), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("MDC mismatch"));
    }

    private (Gpg Gpg, string Fingerprint) Home(KeyKind key) => key == KeyKind.Rsa3072 ? (_rsa, _rsaFingerprint) : (_ecc, _eccFingerprint);

    /// <summary>CSV-like bytes of exactly <paramref name="size"/> bytes (compressible, unlike random data).</summary>
    private static byte[] Csv(int size)
    {
        var csv = TestData.Csv((size / 20) + 1);
        return csv.Length >= size ? csv[..size] : [.. csv, .. new byte[size - csv.Length]];
    }

    private static async Task<byte[]> EncryptAsync(OpenPgpEncryptor encryptor, byte[] plaintext)
    {
        using var output = new MemoryStream();
        await encryptor.EncryptAsync(new NonSeekableStream(plaintext), output, new EncryptionContext("share", "data/a.csv"));
        return output.ToArray();
    }

    /// <summary>gpg writes definite lengths for a file it can measure and partial lengths for a pipe.</summary>
    private static async Task<byte[]> GpgEncryptAsync(Gpg gpg, string fingerprint, byte[] plaintext, string compression, bool piped)
    {
        var input = Path.Combine(gpg.Home, Guid.NewGuid().ToString("N") + ".bin");
        var output = input + ".gpg";
        await File.WriteAllBytesAsync(input, plaintext);
        string[] arguments = ["--batch", "--yes", "--trust-model", "always", "--recipient", fingerprint, "--compress-algo", compression, "--output", output, "--encrypt"];
        var result = piped
            ? await ProcessRunner.RunAsync("sh", ["-c", "cat \"$0\" | gpg \"$@\"", input, .. arguments], new Dictionary<string, string?> { ["GNUPGHOME"] = gpg.Home })
            : await gpg.RunAsync([.. arguments, input]);
        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        return await File.ReadAllBytesAsync(output);
    }
}
