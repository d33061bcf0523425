using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.Kms;

/// <summary>Every altered, cut or reordered message is refused, and no plaintext of the altered part is released.</summary>
[TestFixture]
public sealed class KmsEnvelopeDecryptorTamperTests
{
    private const int Frame = 4096;
    private const int RegularFrameLength = 4 + 12 + Frame + 16;
    private const int Frames = 3;
    private static readonly byte[] Plaintext = TestData.Random((Frames * Frame) + 100, seed: 77);
    private byte[] _message = [];
    private EsdkHeader _header = null!;

    public enum Region
    {
        MessageId,
        EncryptionContextValue,
        EncryptedDataKey,
        FrameLengthField,
        CommitKey,
        HeaderAuthTag,
        FirstFrameSequenceNumber,
        FirstFrameIv,
        FirstFrameCiphertext,
        FirstFrameTag,
        FinalFrameMarker,
        FinalFrameLength,
        FinalFrameCiphertext,
        FinalFrameTag,
    }

    private int BodyStart => _header.Length + 16;

    private int FinalFrameStart => BodyStart + (Frames * RegularFrameLength);

    [OneTimeSetUp]
    public async Task EncryptOnce()
    {
        _message = await KmsTestMessages.EncryptAsync(Plaintext, KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, Frame);
        _header = EsdkHeader.TryParse(_message, out _)!;
    }

    [Test]
    public async Task DecryptAsync_UntamperedMessage_RoundTrips() =>
        Assert.That(await KmsTestMessages.DecryptAsync(_message), Is.EqualTo(Plaintext));

    [TestCase(Region.MessageId, 0)]
    [TestCase(Region.EncryptionContextValue, 0)]
    [TestCase(Region.EncryptedDataKey, 0)]
    [TestCase(Region.FrameLengthField, 0)]
    [TestCase(Region.CommitKey, 0)]
    [TestCase(Region.HeaderAuthTag, 0)]
    [TestCase(Region.FirstFrameSequenceNumber, 0)]
    [TestCase(Region.FirstFrameIv, 0)]
    [TestCase(Region.FirstFrameCiphertext, 0)]
    [TestCase(Region.FirstFrameTag, 0)]
    [TestCase(Region.FinalFrameMarker, Frames)]
    [TestCase(Region.FinalFrameLength, Frames)]
    [TestCase(Region.FinalFrameCiphertext, Frames)]
    [TestCase(Region.FinalFrameTag, Frames)]
    public async Task DecryptAsync_OneByteFlipped_ThrowsIntegrityExceptionAndReleasesOnlyEarlierFrames(Region region, int authenticFrames)
    {
        var tampered = (byte[])_message.Clone();
        tampered[OffsetOf(region)] ^= 0x01;

        var output = await AssertRefusedAsync(tampered);

        Assert.That(output, Is.EqualTo(Plaintext[..(authenticFrames * Frame)]));
    }

    [Test]
    public async Task DecryptAsync_FramesSwapped_ThrowsIntegrityExceptionWithoutOutput()
    {
        var tampered = (byte[])_message.Clone();
        var first = _message.AsSpan(BodyStart, RegularFrameLength);
        var second = _message.AsSpan(BodyStart + RegularFrameLength, RegularFrameLength);
        second.CopyTo(tampered.AsSpan(BodyStart));
        first.CopyTo(tampered.AsSpan(BodyStart + RegularFrameLength));

        var output = await AssertRefusedAsync(tampered);

        Assert.That(output, Is.Empty);
    }

    [Test]
    public async Task DecryptAsync_FrameRepeatedWithItsNextSequenceNumber_ThrowsIntegrityException()
    {
        // Frame 1's bytes presented as frame 2: the sequence number matches, the AAD (sequence number) does not.
        var tampered = (byte[])_message.Clone();
        _message.AsSpan(BodyStart + 4, RegularFrameLength - 4).CopyTo(tampered.AsSpan(BodyStart + RegularFrameLength + 4));

        var output = await AssertRefusedAsync(tampered);

        Assert.That(output, Is.EqualTo(Plaintext[..Frame]));
    }

    [Test]
    public async Task DecryptAsync_FinalFrameRemoved_ThrowsIntegrityException()
    {
        var output = await AssertRefusedAsync(_message[..FinalFrameStart], "truncated");

        Assert.That(output, Is.EqualTo(Plaintext[..(Frames * Frame)]));
    }

    [TestCase(1)]
    [TestCase(17)]
    [TestCase(RegularFrameLength + 5)]
    public async Task DecryptAsync_Truncated_ThrowsIntegrityException(int bytesRemoved) =>
        await AssertRefusedAsync(_message[..^bytesRemoved]);

    [Test]
    public async Task DecryptAsync_TruncatedInHeader_ThrowsIntegrityExceptionWithoutOutput() =>
        Assert.That(await AssertRefusedAsync(_message[..(_header.Length - 3)], "header"), Is.Empty);

    [Test]
    public async Task DecryptAsync_BytesAppended_ThrowsIntegrityException() =>
        await AssertRefusedAsync([.. _message, 0x00], "follow");

    [Test]
    public async Task DecryptAsync_SignatureAltered_ThrowsIntegrityException()
    {
        var signed = await KmsTestMessages.EncryptAsync(Plaintext, KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, Frame);
        signed[^3] ^= 0x01;

        await AssertRefusedAsync(signed, "signature");
    }

    [Test]
    public async Task DecryptAsync_SignatureRemoved_ThrowsIntegrityException()
    {
        var signed = await KmsTestMessages.EncryptAsync(Plaintext, KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, Frame);
        var header = EsdkHeader.TryParse(signed, out _)!;
        var unsignedLength = header.Length + 16 + (Frames * RegularFrameLength) + 4 + 4 + 12 + 4 + 100 + 16;

        await AssertRefusedAsync(signed[..unsignedLength], "truncated");
    }

    [Test]
    public async Task DecryptAsync_PublicKeyRemovedFromSignedSuite_ThrowsIntegrityException()
    {
        // Claim the unsigned suite for a signed message: the header no longer matches its context nor its tag.
        var signed = await KmsTestMessages.EncryptAsync(Plaintext, KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, Frame);
        signed[1] = 0x04;

        await AssertRefusedAsync(signed, "aws-crypto-public-key");
    }

    [TestCase(KmsAlgorithmSuite.AesGcm256HkdfSha512Commit)]
    [TestCase(KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384)]
    public async Task DecryptAsync_EveryByteFlipped_Refused(KmsAlgorithmSuite suite)
    {
        // Small frames so that every part of the format (header, several frames, final frame, signature) is swept.
        var plaintext = TestData.Random(300, seed: 5);
        var message = await KmsTestMessages.EncryptAsync(plaintext, suite, frameLength: 128);
        var allowed = KmsTestMessages.KeysNamedBy(message);
        using var kms = LocalKmsServer.Instance.CreateClient();
        var accepted = new List<int>();

        for (var position = 0; position < message.Length; position++)
        {
            var tampered = (byte[])message.Clone();
            tampered[position] ^= 0x01;
            try
            {
                await KmsEnvelopeDecryption.DecryptAsync(new MemoryStream(tampered), Stream.Null, kms, allowed);
                accepted.Add(position);
            }
            catch (Exception ex) when (ex is IntegrityException or S3S2.Sharing.Encryption.EncryptionKeyException)
            {
                // Refused: an integrity failure, or a data key no allowed KMS key can open.
            }
        }

        Assert.That(accepted, Is.Empty, $"flipped bytes accepted at positions of a {message.Length}-byte message");
    }

    [Test]
    public async Task DecryptAsync_EveryTruncation_IntegrityException()
    {
        var message = await KmsTestMessages.EncryptAsync(TestData.Random(300, seed: 6), KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, frameLength: 128);
        var allowed = KmsTestMessages.KeysNamedBy(message);
        using var kms = LocalKmsServer.Instance.CreateClient();

        for (var length = 0; length < message.Length; length++)
        {
            await Assert.ThrowsAsync<IntegrityException>(
                () => KmsEnvelopeDecryption.DecryptAsync(new MemoryStream(message[..length]), Stream.Null, kms, allowed),
                $"truncated to {length} of {message.Length} bytes");
        }
    }

    private static async Task<byte[]> AssertRefusedAsync(byte[] message, string? reason = null)
    {
        using var kms = LocalKmsServer.Instance.CreateClient();
        using var output = new MemoryStream();
        var error = await Assert.ThrowsAsync<IntegrityException>(() => KmsEnvelopeDecryption.DecryptAsync(new MemoryStream(message), output, kms, KmsTestMessages.KeysNamedBy(message)));
        if (reason is not null)
        {
            Assert.That(error!.Message, Does.Contain(reason));
        }

        return output.ToArray();
    }

    private int OffsetOf(Region region)
    {
        var contextEnd = 1 + 2 + 32 + 2 + _header.EncryptionContext.Sum(p => 4 + System.Text.Encoding.UTF8.GetByteCount(p.Key) + System.Text.Encoding.UTF8.GetByteCount(p.Value)) + 2;
        var frameLengthField = _header.Length - 32 - 4;
        return region switch
        {
            Region.MessageId => 3 + 5,
            Region.EncryptionContextValue => contextEnd - 1,
            Region.EncryptedDataKey => frameLengthField - 1 - 20,
            Region.FrameLengthField => frameLengthField + 3,
            Region.CommitKey => _header.Length - 1,
            Region.HeaderAuthTag => _header.Length + 3,
            Region.FirstFrameSequenceNumber => BodyStart + 3,
            Region.FirstFrameIv => BodyStart + 4 + 11,
            Region.FirstFrameCiphertext => BodyStart + 16 + 100,
            Region.FirstFrameTag => BodyStart + RegularFrameLength - 1,
            Region.FinalFrameMarker => FinalFrameStart,
            Region.FinalFrameLength => FinalFrameStart + 4 + 4 + 12 + 3,
            Region.FinalFrameCiphertext => FinalFrameStart + 24 + 50,
            Region.FinalFrameTag => _message.Length - 1,
            _ => throw new ArgumentOutOfRangeException(nameof(region)),
        };
    }
}
