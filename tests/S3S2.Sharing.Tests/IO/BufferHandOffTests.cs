using System.Security.Cryptography;
using S3S2.Sharing.IO;

namespace S3S2.Sharing.Tests.IO;

/// <summary>
/// The hand-off between the encryptor and the upload side: the reader gets exactly the bytes written, in order, however
/// they were written and read; the writer waits once the queue is full and goes on when the reader catches up; either
/// side ending early ends the other (no hang); every pooled segment goes back to its pool.
/// </summary>
[TestFixture]
public sealed class BufferHandOffTests
{
    private const int Segment = 1000;

    /// <summary>A guard against a hang, never a timing assertion.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Test]
    public async Task ReadSegmentAsync_WritesOfEveryKindOnAnotherThread_SameBytesInOrder()
    {
        var pool = new CountingArrayPool();
        var content = RandomNumberGenerator.GetBytes(50 * Segment + 17);
        var handOff = new BufferHandOff(Segment, pool);
        var writing = Task.Run(async () =>
        {
            var random = new Random(3);
            for (var offset = 0; offset < content.Length;)
            {
                var count = Math.Min(content.Length - offset, 1 + random.Next(3 * Segment));
                switch (random.Next(3))
                {
                    case 0:
                        handOff.Writer.Write(content, offset, count);
                        break;
                    case 1:
                        await handOff.Writer.WriteAsync(content.AsMemory(offset, count));
                        break;
                    default:
                        // Produced in place, as the KMS encryptor does.
                        content.AsSpan(offset, count).CopyTo(handOff.GetMemory(count).Span);
                        handOff.Advance(count);
                        break;
                }

                await handOff.Writer.FlushAsync();
                offset += count;
            }

            await handOff.CompleteWritingAsync(CancellationToken.None);
        });

        var received = new MemoryStream();
        var reads = new Random(5);
        var buffer = new byte[Segment / 3];
        while (true)
        {
            // Whole segments and small stream reads mixed: the order holds across both.
            if (reads.Next(2) == 0)
            {
                var segment = await handOff.Reader.ReadSegmentAsync(CancellationToken.None);
                if (segment.IsEmpty)
                {
                    break;
                }

                received.Write(segment.Span);
            }
            else
            {
                var read = await handOff.Reader.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }

        await writing.WaitAsync(Hang);
        handOff.CompleteReading();
        handOff.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(received.ToArray(), Is.EqualTo(content));
            Assert.That(pool.Outstanding, Is.Zero, "every segment back in the pool");
        });
    }

    [Test]
    public async Task WaitForRoomAsync_ReaderBehind_WaitsUntilTheReaderTakesTheQueueDownToResumeAt()
    {
        var pool = new CountingArrayPool();
        using var handOff = new BufferHandOff(Segment, pool);
        var queued = BufferHandOff.MaxQueued + 2;
        var content = RandomNumberGenerator.GetBytes(queued * Segment);

        // Synchronous writes never block; the wait after them does, while more than the bound is queued.
        handOff.Write(content);
        var waiting = handOff.WaitForRoomAsync(CancellationToken.None).AsTask();
        var waitedWhileFull = !waiting.IsCompleted;
        var received = new List<byte>();
        var stillWaiting = new List<bool>();
        for (var left = queued; left > BufferHandOff.ResumeAt; left--)
        {
            stillWaiting.Add(!waiting.IsCompleted);
            received.AddRange((await handOff.ReadSegmentAsync(CancellationToken.None)).ToArray());
        }

        await waiting.WaitAsync(Hang);

        Assert.Multiple(() =>
        {
            Assert.That(waitedWhileFull, Is.True, "the writer waits while more than the bound is queued");
            Assert.That(stillWaiting, Is.All.True, "no wake-up per segment: the writer goes on only at ResumeAt");
            Assert.That(received, Is.EqualTo(content.Take((queued - BufferHandOff.ResumeAt) * Segment)));
            Assert.That(pool.MostOutstanding, Is.EqualTo(queued), "nothing rented beyond what was written");
        });
    }

    [Test]
    public async Task ReadSegmentAsync_WriterFails_QueuedBytesThenTheWritersError()
    {
        var pool = new CountingArrayPool();
        var handOff = new BufferHandOff(Segment, pool);
        var content = RandomNumberGenerator.GetBytes((2 * Segment) + 10);
        handOff.Write(content);
        var failure = new InvalidDataException("the encryptor failed");
        handOff.FailWriting(failure);

        var first = (await handOff.ReadSegmentAsync(CancellationToken.None)).ToArray();
        var second = (await handOff.ReadSegmentAsync(CancellationToken.None)).ToArray();
        var thrown = await FailureOf(async () => await handOff.ReadSegmentAsync(CancellationToken.None));
        handOff.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.SameAs(failure));
            Assert.That(first.Concat(second), Is.EqualTo(content.Take(2 * Segment)), "the unfinished last segment is dropped with the failure");
            Assert.That(pool.Outstanding, Is.Zero);
        });
    }

    [Test]
    public async Task WaitForRoomAsync_ReaderStops_ThrowsInsteadOfWaitingForever()
    {
        var pool = new CountingArrayPool();
        var handOff = new BufferHandOff(Segment, pool);
        handOff.Write(new byte[(BufferHandOff.MaxQueued + 3) * Segment]);
        var waiting = handOff.WaitForRoomAsync(CancellationToken.None).AsTask();

        handOff.CompleteReading();
        var thrown = await FailureOf(() => waiting.WaitAsync(Hang));
        var later = await FailureOf(async () => await handOff.WaitForRoomAsync(CancellationToken.None));
        handOff.FailWriting(thrown!);
        handOff.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.InstanceOf<IOException>().With.Message.Contains("stopped before the end"));
            Assert.That(later, Is.InstanceOf<IOException>(), "a later wait throws too");
            Assert.That(pool.Outstanding, Is.Zero, "queued and waiting segments back in the pool");
        });
    }

    [Test]
    public async Task CompleteWritingAsync_ReaderStopped_ThrowsAndReturnsTheLastSegment()
    {
        var pool = new CountingArrayPool();
        var handOff = new BufferHandOff(Segment, pool);
        handOff.Write(new byte[Segment / 2]);
        handOff.CompleteReading();

        var thrown = await FailureOf(async () => await handOff.CompleteWritingAsync(CancellationToken.None));
        handOff.FailWriting(thrown!);
        handOff.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.InstanceOf<IOException>());
            Assert.That(pool.Outstanding, Is.Zero);
        });
    }

    [Test]
    public async Task WaitForRoomAsync_CancelledWhileFull_Throws()
    {
        var pool = new CountingArrayPool();
        using var handOff = new BufferHandOff(Segment, pool);
        handOff.Write(new byte[(BufferHandOff.MaxQueued + 1) * Segment]);
        using var cancel = new CancellationTokenSource();
        var waiting = handOff.WaitForRoomAsync(cancel.Token).AsTask();

        cancel.Cancel();

        Assert.That(await FailureOf(() => waiting.WaitAsync(Hang)), Is.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task ReadSegmentAsync_CancelledWhileEmpty_Throws()
    {
        using var handOff = new BufferHandOff(Segment, new CountingArrayPool());
        using var cancel = new CancellationTokenSource();
        var reading = handOff.ReadSegmentAsync(cancel.Token).AsTask();

        cancel.Cancel();

        Assert.That(await FailureOf(() => reading.WaitAsync(Hang)), Is.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Dispose_WhileSegmentsAreQueuedAndOneIsBeingRead_ReturnsThemAll()
    {
        var pool = new CountingArrayPool();
        var handOff = new BufferHandOff(Segment, pool);
        handOff.Write(new byte[(3 * Segment) + 1]);
        await handOff.ReadSegmentAsync(CancellationToken.None);

        handOff.Dispose();

        Assert.That(pool.Outstanding, Is.Zero);
    }

    private static async Task<Exception?> FailureOf(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
