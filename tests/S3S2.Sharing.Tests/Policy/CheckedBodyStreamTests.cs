using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.IO;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Tests.Encryption.Kms;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Tests.Receiving;

namespace S3S2.Sharing.Tests.Policy;

/// <summary>
/// The uploader's view of a checked body: it gets only bytes the policy has judged, so plaintext after a good start
/// never reaches it, and a good body reaches it whole and in order however the uploader reads it.
/// </summary>
[TestFixture]
public sealed class CheckedBodyStreamTests
{
    public enum ReadMode
    {
        Segments,
        AsyncReads,
        SyncReads,
    }

    private const int Head = SharePolicy.HeadLength;

    [TestCase(ReadMode.Segments, 1024 * 1024)]
    [TestCase(ReadMode.Segments, 777)]
    [TestCase(ReadMode.Segments, 0)]
    [TestCase(ReadMode.AsyncReads, 1024 * 1024)]
    [TestCase(ReadMode.AsyncReads, 4093)]
    [TestCase(ReadMode.SyncReads, 0)]
    public void Read_PlaintextAfterRandomStart_RefusedBeforeAnyPlaintextByteIsHandedOut(ReadMode mode, int sourceSegment)
    {
        // 100,000 random bytes pass the first 64 KiB window; the second window mixes them with the CSV and fails.
        // Whether the first window's bytes are handed out before the refusal depends on how much the source gives at a
        // time (a 1 MiB segment is checked, and refused, whole); the plaintext is never handed out.
        var csv = TestData.Csv(20_000);
        var body = RogueMessage(TestData.Random(100_000, 7), csv);
        var plaintextStart = body.AsSpan().IndexOf(csv.AsSpan(0, 64));

        var (handedOut, error) = ReadAll(new OpenPgpFramingValidator(), body, mode, sourceSegment, readLength: 8192);

        Assert.That(error?.Message, Does.Contain("does not look like ciphertext in 64 KiB window 2"));
        Assert.That(handedOut.Length, Is.LessThanOrEqualTo(plaintextStart), "no plaintext");
        Assert.That(handedOut, Is.EqualTo(body[..handedOut.Length]), "a prefix of the body, in order");
    }

    [TestCase(ReadMode.Segments, 777, 1)]
    [TestCase(ReadMode.Segments, 4093, 2)]
    [TestCase(ReadMode.AsyncReads, 777, 3)]
    [TestCase(ReadMode.SyncReads, 4093, 4)]
    public void Read_PlaintextFromTheSecondWindowOn_TheFirstWindowHandedOutAndNothingAfterIt(ReadMode mode, int sourceSegment, int seed)
    {
        // The plaintext starts right after the first window. The source gives less than a window at a time, so the first
        // window is handed out once judged, and then nothing until the second window, which fails.
        var csv = TestData.Csv(20_000);
        var body = RogueMessage(TestData.Random(CiphertextWindows.WindowLength, seed), csv);
        var plaintextStart = body.AsSpan().IndexOf(csv.AsSpan(0, 64));

        var (handedOut, error) = ReadAll(new OpenPgpFramingValidator(), body, mode, sourceSegment, readLength: 1024 * 1024);

        Assert.That(error?.Message, Does.Contain("does not look like ciphertext in 64 KiB window 2"));
        Assert.That(handedOut, Is.EqualTo(body[..plaintextStart]));
    }

    [TestCase(ReadMode.Segments, 1024 * 1024, 300_000)]
    [TestCase(ReadMode.Segments, 777, 200_000)]
    [TestCase(ReadMode.Segments, 0, 3 * 1024 * 1024)]
    [TestCase(ReadMode.AsyncReads, 4093, 70_000)]
    [TestCase(ReadMode.AsyncReads, 1024 * 1024, 3 * 1024 * 1024)]
    [TestCase(ReadMode.SyncReads, 65_536, 1_000_000)]
    public async Task Read_MessageOfTheRealEncryptor_HandedOutWholeAndInOrder(ReadMode mode, int sourceSegment, int length)
    {
        var body = await ReceiveTestBed.EncryptAsync(TestData.Random(length, length));

        var (handedOut, error) = ReadAll(new OpenPgpFramingValidator(), body, mode, sourceSegment, readLength: 100_000);

        Assert.That(error, Is.Null);
        Assert.That(handedOut, Is.EqualTo(body));
    }

    [TestCase(ReadMode.Segments, 777)]
    [TestCase(ReadMode.AsyncReads, 0)]
    public async Task Read_KmsEnvelopeMessageOfTheSmallestFrames_HandedOutWholeAndInOrder(ReadMode mode, int sourceSegment)
    {
        // 1 KiB frames: each window of payload spans 65 frames' headers and tags, all held until the window is judged.
        var body = await KmsTestMessages.EncryptAsync(TestData.Random(300_000, 5), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 1024);

        var (handedOut, error) = ReadAll(new EsdkFramingValidator(), body, mode, sourceSegment, readLength: 5000);

        Assert.That(error, Is.Null);
        Assert.That(handedOut, Is.EqualTo(body));
    }

    [TestCase(ReadMode.Segments, 777)]
    [TestCase(ReadMode.SyncReads, 4093)]
    public async Task Read_KmsEnvelopeFramesCarryingPlaintextFromTheSecondWindow_NoneOfItHandedOut(ReadMode mode, int sourceSegment)
    {
        // A real message of 1 KiB frames whose frames from the 98th on carry CSV instead of ciphertext (the framing
        // stays well formed: the policy does not hold the key to check the tags).
        const int FrameLength = 1024;
        const int FrameSize = 4 + 12 + FrameLength + 16;
        var body = await KmsTestMessages.EncryptAsync(TestData.Random(300_000, 6), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, FrameLength);
        var framesStart = EsdkHeader.TryParse(body, out _)!.Length + 16;
        Assert.That(body.AsSpan(framesStart, 4).ToArray(), Is.EqualTo(new byte[] { 0, 0, 0, 1 }), "frame 1 starts after the header and its tag");
        var csv = TestData.Csv(20_000);
        for (var frame = 97; frame < 250; frame++)
        {
            csv.AsSpan((frame - 97) * FrameLength, FrameLength).CopyTo(body.AsSpan(framesStart + (frame * FrameSize) + 16));
        }

        var plaintextStart = framesStart + (97 * FrameSize) + 16;
        var (handedOut, error) = ReadAll(new EsdkFramingValidator(), body, mode, sourceSegment, readLength: 5000);

        Assert.That(error?.Message, Does.Contain("does not look like ciphertext in 64 KiB window 2"));
        Assert.That(handedOut.Length, Is.GreaterThan(CiphertextWindows.WindowLength).And.LessThanOrEqualTo(plaintextStart), "the first window, no plaintext");
        Assert.That(handedOut, Is.EqualTo(body[..handedOut.Length]));
    }

    [Test]
    public async Task Read_TruncatedAfterGoodWindows_RefusedAtTheEndWithTheLastWindowHeld()
    {
        var message = await ReceiveTestBed.EncryptAsync(TestData.Random(300_000, 9));
        var body = message[..^100];

        var (handedOut, error) = ReadAll(new OpenPgpFramingValidator(), body, ReadMode.Segments, 1024 * 1024, readLength: 0);

        Assert.That(error?.Message, Does.Contain("truncated"));
        Assert.That(handedOut.Length, Is.LessThan(body.Length - 256), "the last partial window is judged only at the end");
        Assert.That(handedOut, Is.EqualTo(body[..handedOut.Length]));
    }

    [Test]
    public async Task ReadSegmentAsync_AfterARefusalWhoseMakingFailed_HandsOutNothingMore()
    {
        // The refusal itself throws (a logger failing, say): the stream still hands out nothing after it.
        var csv = TestData.Csv(20_000);
        var body = RogueMessage(TestData.Random(CiphertextWindows.WindowLength, 8), csv);
        using var stream = Open(new OpenPgpFramingValidator(), body, 777, _ => throw new IOException("the log is full"));
        var handedOut = 0;

        await Assert.ThrowsAsync<IOException>(async () =>
        {
            ReadOnlyMemory<byte> piece;
            while (!(piece = await stream.ReadSegmentAsync(CancellationToken.None)).IsEmpty)
            {
                handedOut += piece.Length;
            }
        });
        var again = await Assert.ThrowsAsync<InvalidOperationException>(async () => await stream.ReadSegmentAsync(CancellationToken.None));

        Assert.That(again!.Message, Does.Contain("refused"));
        Assert.That(handedOut, Is.EqualTo(body.AsSpan().IndexOf(csv.AsSpan(0, 64))), "the first window, nothing of the plaintext");
    }

    [Test]
    public async Task ReadSegmentAsync_AfterDispose_Throws()
    {
        var body = await ReceiveTestBed.EncryptAsync(TestData.Random(300_000, 10));
        var stream = Open(new OpenPgpFramingValidator(), body, 777, problem => new InvalidOperationException(problem));
        Assert.That((await stream.ReadSegmentAsync(CancellationToken.None)).Length, Is.GreaterThan(0));

        await stream.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await stream.ReadSegmentAsync(CancellationToken.None));
    }

    /// <summary>
    /// Reads <paramref name="body"/> through a checked stream as an uploader would, the first 64 KiB given to
    /// <paramref name="validator"/> as the policy's head; returns what was handed out and the refusal, if any.
    /// </summary>
    private static (byte[] HandedOut, Exception? Error) ReadAll(IBodyValidator validator, byte[] body, ReadMode mode, int sourceSegment, int readLength)
    {
        using var stream = Open(validator, body, sourceSegment, problem => new InvalidOperationException(problem));
        var handedOut = new MemoryStream();
        try
        {
            switch (mode)
            {
                case ReadMode.Segments:
                    ReadOnlyMemory<byte> segment;
                    while (!(segment = stream.ReadSegmentAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()).IsEmpty)
                    {
                        handedOut.Write(segment.Span);
                    }

                    break;
                case ReadMode.AsyncReads:
                    var buffer = new byte[readLength];
                    int read;
                    while ((read = stream.ReadAsync(buffer, CancellationToken.None).AsTask().GetAwaiter().GetResult()) > 0)
                    {
                        handedOut.Write(buffer, 0, read);
                    }

                    break;
                default:
                    var syncBuffer = new byte[Math.Max(readLength, 1)];
                    while ((read = stream.Read(syncBuffer)) > 0)
                    {
                        handedOut.Write(syncBuffer, 0, read);
                    }

                    break;
            }

            return (handedOut.ToArray(), null);
        }
        catch (InvalidOperationException e)
        {
            return (handedOut.ToArray(), e);
        }
    }

    /// <summary>
    /// A checked stream over <paramref name="body"/> as the policy makes it: the first 64 KiB given to
    /// <paramref name="validator"/> as the head, the rest from a source of <paramref name="sourceSegment"/>-byte segments
    /// (0: a plain stream).
    /// </summary>
    private static CheckedBodyStream Open(IBodyValidator validator, byte[] body, int sourceSegment, Func<string, Exception> refuse)
    {
        Assert.That(validator.Append(body.AsSpan(0, Head)), Is.Null);
        Stream source = sourceSegment > 0 ? new SegmentSource(body[Head..], sourceSegment) : new MemoryStream(body[Head..]);
        return new CheckedBodyStream(body.AsMemory(0, Head), source, validator, refuse);
    }

    /// <summary>Session key packets of the real encryptor, then a data packet of the random bytes and the plaintext.</summary>
    private static byte[] RogueMessage(byte[] randomStart, byte[] plaintext)
    {
        var genuine = ReceiveTestBed.EncryptAsync([]).GetAwaiter().GetResult();
        using var output = new MemoryStream();
        output.Write(PlaintextInSealedPacketEncryptor.SessionKeyPackets(genuine));
        PlaintextInSealedPacketEncryptor.WriteDataPacketAsync([1, .. randomStart, .. plaintext, .. new byte[22]], output).GetAwaiter().GetResult();
        return output.ToArray();
    }

    /// <summary>A source that hands out its bytes as segments of a given size, each overwritten at the next read.</summary>
    private sealed class SegmentSource(byte[] data, int segmentLength) : ReadOnlyStream, ISegmentedReadStream
    {
        private readonly byte[] _segment = new byte[segmentLength];
        private int _position;

        public bool CanReadSegments => true;

        public ValueTask<ReadOnlyMemory<byte>> ReadSegmentAsync(CancellationToken cancellationToken)
        {
            // Scribble over the last segment first: a reader that kept it past this read sees the damage.
            Array.Fill(_segment, (byte)0xA5);
            var count = Math.Min(segmentLength, data.Length - _position);
            data.AsSpan(_position, count).CopyTo(_segment);
            _position += count;
            return new ValueTask<ReadOnlyMemory<byte>>(_segment.AsMemory(0, count));
        }

        protected override int ReadCore(Span<byte> buffer) => throw new NotSupportedException("read in segments");

        protected override ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            throw new NotSupportedException("read in segments");
    }
}
