using System.Buffers.Binary;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Tests.Encryption.Kms;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Policy;

[TestFixture]
public sealed class EsdkFramingValidatorTests
{
    private const int FrameLength = 4096;
    private const int RegularFrameLength = 4 + EsdkFormat.IvLength + FrameLength + EsdkFormat.TagLength;
    private byte[] _unsigned = [];
    private byte[] _signed = [];

    [OneTimeSetUp]
    public async Task EncryptOnce()
    {
        _unsigned = await KmsTestMessages.EncryptAsync(TestData.Random(300_000, 1), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, FrameLength);
        _signed = await KmsTestMessages.EncryptAsync(TestData.Random(300_000, 2), KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, FrameLength);
    }

    [TestCase(1)]
    [TestCase(13)]
    [TestCase(65_536)]
    public void Feed_MessagesOfTheRealEncryptor_Pass(int slice)
    {
        Assert.That(BodyValidatorRun.Feed(new EsdkFramingValidator(), _unsigned, slice), Is.Null);
        Assert.That(BodyValidatorRun.Feed(new EsdkFramingValidator(), _signed, slice), Is.Null);
    }

    [TestCase(0, KmsAlgorithmSuite.AesGcm256HkdfSha512Commit)]
    [TestCase(FrameLength, KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384)]
    [TestCase(2 * FrameLength, KmsAlgorithmSuite.AesGcm256HkdfSha512Commit)]
    public async Task Feed_EmptyAndWholeFramePlaintexts_Pass(int length, KmsAlgorithmSuite suite)
    {
        var message = await KmsTestMessages.EncryptAsync(TestData.Random(length, 3), suite, FrameLength);

        Assert.That(BodyValidatorRun.Feed(new EsdkFramingValidator(), message, 100), Is.Null);
    }

    [Test]
    public void Feed_TrailingGarbage_Refused()
    {
        Assert.That(BodyValidatorRun.Feed(new EsdkFramingValidator(), [.. _unsigned, 0x00], 4096), Does.Contain("nothing may come after it"));
        Assert.That(BodyValidatorRun.Feed(new EsdkFramingValidator(), [.. _signed, 0x00], 4096), Does.Contain("nothing may come after it"));
    }

    [Test]
    public void Feed_MissingFinalFrame_Refused()
    {
        var cut = FramesStart(_unsigned) + (3 * RegularFrameLength);

        Assert.That(BodyValidatorRun.Feed(new EsdkFramingValidator(), _unsigned.AsSpan(0, cut), 4096), Does.Contain("without a final frame"));
    }

    [Test]
    public void Feed_FramesOutOfOrder_Refused()
    {
        var swapped = _unsigned.ToArray();
        var first = FramesStart(swapped);
        _unsigned.AsSpan(first, RegularFrameLength).CopyTo(swapped.AsSpan(first + RegularFrameLength));
        _unsigned.AsSpan(first + RegularFrameLength, RegularFrameLength).CopyTo(swapped.AsSpan(first));

        Assert.That(BodyValidatorRun.Feed(new EsdkFramingValidator(), swapped, 4096), Does.Contain("frame 1 carries sequence number 2"));
    }

    [Test]
    public void Feed_FrameIvNotItsSequenceNumber_Refused()
    {
        var tampered = _unsigned.ToArray();
        tampered[FramesStart(tampered) + 4]++;

        Assert.That(BodyValidatorRun.Feed(new EsdkFramingValidator(), tampered, 4096), Does.Contain("frame 1 has IV"));
    }

    [Test]
    public void Feed_FinalFrameLongerThanFrameLength_Refused()
    {
        var tampered = _unsigned.ToArray();
        var final = FramesStart(tampered) + ((300_000 / FrameLength) * RegularFrameLength);
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(tampered.AsSpan(final)), Is.EqualTo(EsdkFormat.FinalFrameMarker), "test arithmetic finds the final frame");
        BinaryPrimitives.WriteUInt32BigEndian(tampered.AsSpan(final + 4 + 4 + EsdkFormat.IvLength), FrameLength + 1);

        Assert.That(BodyValidatorRun.Feed(new EsdkFramingValidator(), tampered, 4096), Does.Contain("more than the frame length"));
    }

    [TestCase(1)]
    [TestCase(50)]
    public void Feed_SignatureFooterCut_Refused(int cut) =>
        Assert.That(BodyValidatorRun.Feed(new EsdkFramingValidator(), _signed.AsSpan(0, _signed.Length - cut), 4096), Does.Contain("truncated"));

    [Test]
    public void Feed_PlaintextInWellFormedFrames_Refused()
    {
        var forged = _unsigned.ToArray();
        var plaintext = TestData.Csv(10_000);
        var first = FramesStart(forged);
        for (var frame = 0; frame < 20; frame++)
        {
            plaintext.AsSpan(frame * FrameLength, FrameLength).CopyTo(forged.AsSpan(first + (frame * RegularFrameLength) + 4 + EsdkFormat.IvLength));
        }

        Assert.That(BodyValidatorRun.Feed(new EsdkFramingValidator(), forged, 4096), Does.Contain("does not look like ciphertext"));
    }

    private static int FramesStart(byte[] message) => EsdkHeader.TryParse(message, out _)!.Length + EsdkFormat.TagLength;
}
