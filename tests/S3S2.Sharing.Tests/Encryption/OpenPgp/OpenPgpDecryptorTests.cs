using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Tests.Receiving;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>Standard OpenPGP messages, many made by the real gpg, decrypted from non-seekable streams.</summary>
[TestFixture]
public sealed class OpenPgpDecryptorTests
{
    private static readonly byte[] Content = TestData.Csv(5000);
    private static readonly string[] Armor = ["--armor"];

    [TestCase("none", false)]
    [TestCase("zlib", false)]
    [TestCase("zip", false)]
    [TestCase("none", true)]
    [TestCase("zlib", true)]
    public async Task DecryptAsync_GpgMadeMessageFromNonSeekableStream_Plaintext(string compression, bool armor)
    {
        using var gpg = Gpg.Create();
        await gpg.ImportAsync(TestKeys.Receiver.PublicKeyArmored);
        var message = await GpgEncryptAsync(gpg, TestKeys.Receiver.Fingerprint, Content, compression, armor);

        using var plaintext = new MemoryStream();
        await Decryptor(TestKeys.Receiver).DecryptAsync(new NonSeekableStream(message), plaintext, Message, CancellationToken.None);

        Assert.That(plaintext.ToArray(), Is.EqualTo(Content));
    }

    [Test]
    public async Task DecryptAsync_GpgEccKeyAndHiddenRecipient_Plaintext()
    {
        using var gpg = Gpg.Create();
        var fingerprint = await gpg.GenerateEccKeyAsync("Ecc receiver <ecc@s3s2.test>");
        var secret = await gpg.ExportSecretAsync(fingerprint);
        var message = await GpgEncryptAsync(gpg, fingerprint, Content, "zlib", armor: false, "--throw-keyids");

        using var plaintext = new MemoryStream();
        await new OpenPgpDecryptor(new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(secret)], null))
            .DecryptAsync(new NonSeekableStream(message), plaintext, Message, CancellationToken.None);

        Assert.That(plaintext.ToArray(), Is.EqualTo(Content));
    }

    [Test]
    public async Task DecryptAsync_LibraryMessageFromNonSeekableStream_Plaintext()
    {
        var message = await ReceiveTestBed.EncryptAsync(Content, OpenPgpCompression.Zlib);

        using var plaintext = new MemoryStream();
        await Decryptor(TestKeys.Receiver).DecryptAsync(new NonSeekableStream(message), plaintext, Message, CancellationToken.None);

        Assert.That(plaintext.ToArray(), Is.EqualTo(Content));
    }

    [Test]
    public async Task DecryptAsync_LibraryZlibMessageOfSeveralParallelDeflateBlocks_Plaintext()
    {
        var content = TestData.Csv(100_000)[..((3 * ParallelZLibStream.DefaultBlockSize) + 7)];
        var message = await ReceiveTestBed.EncryptAsync(content, OpenPgpCompression.Zlib);

        using var plaintext = new MemoryStream();
        await Decryptor(TestKeys.Receiver).DecryptAsync(new NonSeekableStream(message), plaintext, Message, CancellationToken.None);

        Assert.That(plaintext.ToArray(), Is.EqualTo(content));
        Assert.That(message.Length, Is.LessThan(content.Length / 2), "compressed");
    }

    [Test]
    public async Task DecryptAsync_SourceFailsMidway_ReportsTheSourceErrorNotCorruption()
    {
        var message = await ReceiveTestBed.EncryptAsync(Content, OpenPgpCompression.None);
        var source = new NonSeekableStream(message[..(message.Length / 2)], new IOException("connection reset by peer"));

        var error = await Assert.ThrowsAsync<IOException>(() => Decryptor(TestKeys.Receiver).DecryptAsync(source, Stream.Null, Message, CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo("connection reset by peer"));
    }

    [Test]
    public async Task DecryptAsync_TruncatedWithoutSourceError_IsAnIntegrityFailure()
    {
        var message = await ReceiveTestBed.EncryptAsync(Content, OpenPgpCompression.None);

        await Assert.ThrowsAsync<IntegrityException>(() => Decryptor(TestKeys.Receiver).DecryptAsync(new NonSeekableStream(message[..(message.Length / 2)]), Stream.Null, Message, CancellationToken.None));
    }

    [Test]
    public async Task DecryptAsync_MessageWithoutMdc_IntegrityExceptionBeforeAnyPlaintext()
    {
        var message = ReceiveTestBed.EncryptWithoutIntegrity(Content);
        using var plaintext = new MemoryStream();

        var error = await Assert.ThrowsAsync<IntegrityException>(() => Decryptor(TestKeys.Receiver).DecryptAsync(new NonSeekableStream(message), plaintext, Message, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("no integrity protection"));
        Assert.That(plaintext.Length, Is.Zero);
    }

    [Test]
    public async Task DecryptAsync_FlippedMdcByte_IntegrityException()
    {
        var message = await ReceiveTestBed.EncryptAsync(Content);
        message[^1] ^= 0x80;

        var error = await Assert.ThrowsAsync<IntegrityException>(() => Decryptor(TestKeys.Receiver).DecryptAsync(new NonSeekableStream(message), Stream.Null, Message, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("test message"));
    }

    [Test]
    public async Task DecryptAsync_MessageToAnotherKey_EncryptionKeyException()
    {
        var message = await ReceiveTestBed.EncryptAsync(Content);

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => Decryptor(TestKeys.Attacker).DecryptAsync(new NonSeekableStream(message), Stream.Null, Message, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("none of which is among the configured secret keys"));
    }

    [Test]
    public async Task DecryptAsync_Plaintext_IntegrityExceptionNotOpenPgp()
    {
        var error = await Assert.ThrowsAsync<IntegrityException>(() => Decryptor(TestKeys.Receiver).DecryptAsync(new NonSeekableStream("id,name\n1,a\n"u8.ToArray()), Stream.Null, Message, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("not an OpenPGP message"));
    }

    [Test]
    public async Task DecryptAsync_PublicKeyGivenAsSecretKey_EncryptionKeyException()
    {
        var decryptor = new OpenPgpDecryptor(new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)], null));

        var message = await ReceiveTestBed.EncryptAsync(Content);

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => decryptor.DecryptAsync(new NonSeekableStream(message), Stream.Null, Message, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("holds a public key"));
    }

    [TestCase(0, 32, TestName = "DecryptAsync_SessionCipherPlaintext_IntegrityExceptionNamingAes")]
    [TestCase(3, 16, TestName = "DecryptAsync_SessionCipherCast5_IntegrityExceptionNamingAes")]
    [TestCase(2, 24, TestName = "DecryptAsync_SessionCipherTripleDes_IntegrityExceptionNamingAes")]
    [TestCase(11, 16, TestName = "DecryptAsync_SessionCipherCamellia128_IntegrityExceptionNamingAes")]
    public async Task DecryptAsync_SessionCipherNotAes_IntegrityExceptionBeforeAnyPlaintext(int cipher, int keyLength)
    {
        var message = Craft(TestKeys.Recipients(TestKeys.Receiver)[0].EncryptionKey, cipher, keyLength, Content);
        using var plaintext = new MemoryStream();

        var error = await Assert.ThrowsAsync<IntegrityException>(() => Decryptor(TestKeys.Receiver).DecryptAsync(new NonSeekableStream(message), plaintext, Message, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain($"session cipher id {cipher}").And.Contain("AES-256"));
        Assert.That(plaintext.Length, Is.Zero);
    }

    [TestCase(7, 16)]
    [TestCase(8, 24)]
    [TestCase(9, 32)]
    public async Task DecryptAsync_AesSessionKeyOfEachSize_Plaintext(int cipher, int keyLength)
    {
        var message = Craft(TestKeys.Recipients(TestKeys.Receiver)[0].EncryptionKey, cipher, keyLength, Content);
        using var plaintext = new MemoryStream();

        await Decryptor(TestKeys.Receiver).DecryptAsync(new NonSeekableStream(message), plaintext, Message, CancellationToken.None);

        Assert.That(plaintext.ToArray(), Is.EqualTo(Content));
    }

    [Test]
    public async Task DecryptAsync_SessionKeyForSignOnlyPrimary_EncryptionKeyExceptionPrimaryNeverTried()
    {
        var primary = TestKeys.Recipients(TestKeys.Receiver)[0].Ring.GetPublicKey();
        var message = Craft(primary, 9, 32, Content);

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => Decryptor(TestKeys.Receiver).DecryptAsync(new NonSeekableStream(message), Stream.Null, Message, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain(OpenPgpSecretKeys.FormatKeyId(primary.KeyId)).And.Contain("may not encrypt"));
    }

    [Test]
    public async Task DecryptAsync_Bzip2CompressedGpgMessage_IntegrityExceptionNamingBzip2()
    {
        using var gpg = Gpg.Create();
        await gpg.ImportAsync(TestKeys.Receiver.PublicKeyArmored);
        var message = await GpgEncryptAsync(gpg, TestKeys.Receiver.Fingerprint, Content, "bzip2", armor: false);

        var error = await Assert.ThrowsAsync<IntegrityException>(() => Decryptor(TestKeys.Receiver).DecryptAsync(new NonSeekableStream(message), Stream.Null, Message, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("bzip2").And.Contain("zlib"));
    }

    /// <summary>A message with a chosen session cipher id and key length, its literal packet in partial-length chunks.</summary>
    private static byte[] Craft(Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKey key, int cipher, int keyLength, byte[] content)
    {
        using var literal = new MemoryStream();
        using (var packet = new PartialLengthWriteStream(literal, 11, 1024))
        {
            packet.Write(CraftedMessages.LiteralBody(content));
            packet.Complete();
        }

        return CraftedMessages.Encrypted(key, literal.ToArray(), cipher, keyLength);
    }

    private static DecryptionMessage Message => new("test message", null);

    private static OpenPgpDecryptor Decryptor(OpenPgpGeneratedKey key) =>
        new(new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(key.SecretKeyArmored)], null));

    private static async Task<byte[]> GpgEncryptAsync(Gpg gpg, string recipient, byte[] content, string compression, bool armor, params string[] extra)
    {
        var input = Path.Combine(gpg.Home, Guid.NewGuid().ToString("N") + ".csv");
        var output = input + ".gpg";
        await File.WriteAllBytesAsync(input, content);
        var result = await gpg.RunAsync(
        [
            "--trust-model", "always", "--recipient", recipient, "--compress-algo", compression, .. extra, .. (armor ? Armor : []), "--output", output, "--encrypt", input,
        ]);
        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        return await File.ReadAllBytesAsync(output);
    }
}
