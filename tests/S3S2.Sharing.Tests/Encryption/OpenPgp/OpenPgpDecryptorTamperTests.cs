using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>
/// Sweeps over a small message the library wrote: every byte flipped, and every truncation, is refused with an
/// integrity or key error; none is returned as success, with garbage or without.
/// </summary>
[TestFixture]
public sealed class OpenPgpDecryptorTamperTests
{
    private static readonly byte[] Content = TestData.Random(300, seed: 42);

    [TestCase(OpenPgpCompression.None)]
    [TestCase(OpenPgpCompression.Zlib)]
    public async Task DecryptAsync_EveryByteFlipped_Refused(OpenPgpCompression compression)
    {
        var message = await EncryptAsync(compression);
        var decryptor = Decryptor();
        var accepted = new List<int>();

        for (var position = 0; position < message.Length; position++)
        {
            var tampered = (byte[])message.Clone();
            tampered[position] ^= 0x01;
            if (await OutcomeAsync(decryptor, tampered) is null)
            {
                accepted.Add(position);
            }
        }

        Assert.That(accepted, Is.Empty, $"flipped bytes accepted at positions of a {message.Length}-byte message");
    }

    [TestCase(OpenPgpCompression.None)]
    [TestCase(OpenPgpCompression.Zlib)]
    public async Task DecryptAsync_EveryTruncation_IntegrityException(OpenPgpCompression compression)
    {
        var message = await EncryptAsync(compression);
        var decryptor = Decryptor();

        for (var length = 0; length < message.Length; length++)
        {
            var error = await OutcomeAsync(decryptor, message[..length]);
            Assert.That(error, Is.InstanceOf<IntegrityException>(), $"truncated to {length} of {message.Length} bytes");
        }
    }

    [Test]
    public async Task DecryptAsync_Untampered_Plaintext()
    {
        var message = await EncryptAsync(OpenPgpCompression.Zlib);
        using var output = new MemoryStream();

        await Decryptor().DecryptAsync(new NonSeekableStream(message), output, Message, CancellationToken.None);

        Assert.That(output.ToArray(), Is.EqualTo(Content));
    }

    /// <summary>The exception a decryption ends with (only the refusals a caller handles), or <see langword="null"/> on success.</summary>
    private static async Task<Exception?> OutcomeAsync(OpenPgpDecryptor decryptor, byte[] message)
    {
        try
        {
            await decryptor.DecryptAsync(new NonSeekableStream(message), Stream.Null, Message, CancellationToken.None);
            return null;
        }
        catch (Exception ex) when (ex is IntegrityException or EncryptionKeyException)
        {
            return ex;
        }
    }

    private static DecryptionMessage Message => new("tampered message", null);

    private static OpenPgpDecryptor Decryptor() =>
        new(new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.SecretKeyArmored)], null));

    private static async Task<byte[]> EncryptAsync(OpenPgpCompression compression)
    {
        using var output = new MemoryStream();
        await new OpenPgpEncryptor(TestKeys.Recipients(TestKeys.Receiver), compression).EncryptAsync(new NonSeekableStream(Content), output, new EncryptionContext("share", "a.bin"));
        return output.ToArray();
    }
}
