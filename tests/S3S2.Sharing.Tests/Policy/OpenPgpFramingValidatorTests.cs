using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Policy;

[TestFixture]
public sealed class OpenPgpFramingValidatorTests
{
    [TestCase(0, OpenPgpCompression.None, 1)]
    [TestCase(1, OpenPgpCompression.None, 1)]
    [TestCase(300_000, OpenPgpCompression.None, 1)]
    [TestCase(300_000, OpenPgpCompression.None, 8191)]
    [TestCase(700_000, OpenPgpCompression.Zlib, 65_536)]
    public async Task Feed_MessageOfTheRealEncryptor_Passes(int length, OpenPgpCompression compression, int slice)
    {
        var message = await EncryptAsync(TestData.Random(length, length), compression);

        Assert.That(BodyValidatorRun.Feed(new OpenPgpFramingValidator(), message, slice), Is.Null);
    }

    [Test]
    public async Task Feed_CsvThroughTheRealEncryptorWithTwoRecipients_Passes()
    {
        var message = await EncryptAsync(TestData.Csv(20_000), OpenPgpCompression.None, TestKeys.Receiver, TestKeys.SecondReceiver);

        Assert.That(BodyValidatorRun.Feed(new OpenPgpFramingValidator(), message, 4096), Is.Null);
    }

    [Test]
    public async Task Feed_TrailingGarbage_Refused()
    {
        var message = await EncryptAsync(TestData.Random(1000, 1), OpenPgpCompression.None);

        var problem = BodyValidatorRun.Feed(new OpenPgpFramingValidator(), [.. message, 0x00], 4096);

        Assert.That(problem, Does.Contain("follow the end of the encrypted data packet"));
    }

    [Test]
    public async Task Feed_SecondEncryptedDataPacket_Refused()
    {
        var first = await EncryptAsync(TestData.Random(1000, 1), OpenPgpCompression.None);
        var second = await EncryptAsync(TestData.Random(1000, 2), OpenPgpCompression.None);
        var secondPacket = second[PlaintextInSealedPacketEncryptor.SessionKeyPackets(second).Length..];

        var problem = BodyValidatorRun.Feed(new OpenPgpFramingValidator(), [.. first, .. secondPacket], 4096);

        Assert.That(problem, Does.Contain("nothing may come after it"));
    }

    [TestCase(1)]
    [TestCase(100)]
    [TestCase(5000)]
    public async Task Feed_TruncatedMessage_Refused(int cut)
    {
        var message = await EncryptAsync(TestData.Random(300_000, 3), OpenPgpCompression.None);

        var problem = BodyValidatorRun.Feed(new OpenPgpFramingValidator(), message.AsSpan(0, message.Length - cut), 4096);

        Assert.That(problem, Does.Contain("truncated"));
    }

    [Test]
    public async Task Feed_FirstPartialChunkShorterThan512_Refused()
    {
        var message = await EncryptAsync([], OpenPgpCompression.None);
        var sessionKeys = PlaintextInSealedPacketEncryptor.SessionKeyPackets(message);
        byte[] dataPacket = [0xC0 | 18, 0xE0 | 8, .. TestData.Random(256, 4), 100, .. TestData.Random(100, 5)];

        var problem = BodyValidatorRun.Feed(new OpenPgpFramingValidator(), [.. sessionKeys, .. dataPacket], 4096);

        Assert.That(problem, Does.Contain("first partial body length is 256 bytes"));
    }

    [Test]
    public async Task Feed_SessionKeyPacketsThenPlaintext_Refused()
    {
        var message = await EncryptAsync([], OpenPgpCompression.None);
        var sessionKeys = PlaintextInSealedPacketEncryptor.SessionKeyPackets(message);

        var problem = BodyValidatorRun.Feed(new OpenPgpFramingValidator(), [.. sessionKeys, .. TestData.Csv(100)], 4096);

        Assert.That(problem, Does.Contain("is not an OpenPGP packet header"));
    }

    [TestCase(100)]
    [TestCase(1_000_000)]
    public async Task Feed_PlaintextInWellFormedDataPacket_Refused(int rows)
    {
        var rogue = new PlaintextInSealedPacketEncryptor(TestKeys.Recipients(TestKeys.Receiver));
        using var output = new MemoryStream();
        await rogue.EncryptAsync(new MemoryStream(TestData.Csv(rows)), output, new EncryptionContext("s", "a.csv"));

        var problem = BodyValidatorRun.Feed(new OpenPgpFramingValidator(), output.ToArray(), 65_536);

        Assert.That(problem, Does.Contain("does not look like ciphertext"));
    }

    [Test]
    public async Task Feed_DataPacketTooShortForPrefixAndMdc_Refused()
    {
        var message = await EncryptAsync([], OpenPgpCompression.None);
        byte[] body = [.. PlaintextInSealedPacketEncryptor.SessionKeyPackets(message), 0xC0 | 18, 10, 1, .. TestData.Random(9, 6)];

        Assert.That(BodyValidatorRun.Feed(new OpenPgpFramingValidator(), body, 4096), Does.Contain("needs at least 41"));
    }

    private static async Task<byte[]> EncryptAsync(byte[] plaintext, OpenPgpCompression compression, params OpenPgpGeneratedKey[] keys)
    {
        var encryptor = new OpenPgpEncryptor(TestKeys.Recipients(keys.Length == 0 ? [TestKeys.Receiver] : keys), compression);
        using var output = new MemoryStream();
        await encryptor.EncryptAsync(new MemoryStream(plaintext), output, new EncryptionContext("s", "a.csv"));
        return output.ToArray();
    }
}
