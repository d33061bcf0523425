using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>The received file's early flushes to disk: they start as the file grows and never change what is written.</summary>
[TestFixture]
public sealed class FlushBehindFileStreamTests
{
    private const int Interval = 64 * 1024;

    [TestCase(false)]
    [TestCase(true)]
    public async Task Write_ManyIntervals_StartsEarlyFlushesAndTheFileHoldsEveryByteInOrder(bool asynchronous)
    {
        using var folder = new TempDirectory();
        var path = folder.Combine("received.bin");
        var content = new byte[(16 * Interval) + 12345];
        new Random(5).NextBytes(content);

        int flushes;
        await using (var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 64 * 1024, Options = FileOptions.Asynchronous }))
        {
            await using var stream = new FlushBehindFileStream(file, Interval);

            // Pieces of odd sizes, some smaller than the file's buffer: the flush must cover what the buffer still held.
            var random = new Random(6);
            for (var offset = 0; offset < content.Length;)
            {
                var count = Math.Min(content.Length - offset, 1 + random.Next(3 * 4096));
                if (asynchronous)
                {
                    await stream.WriteAsync(content.AsMemory(offset, count));
                }
                else
                {
                    stream.Write(content, offset, count);
                }

                offset += count;
            }

            await stream.ThrowIfFlushFailedAsync();
            flushes = stream.FlushesStarted;
        }

        Assert.That(await File.ReadAllBytesAsync(path), Is.EqualTo(content));
        if (OperatingSystem.IsLinux())
        {
            Assert.That(flushes, Is.InRange(1, 16), "one early flush per interval written at most, and at least one");
        }
        else
        {
            Assert.That(flushes, Is.Zero);
        }
    }

    [Test]
    public async Task Write_LessThanOneInterval_StartsNoEarlyFlush()
    {
        using var folder = new TempDirectory();
        var content = new byte[Interval - 1];
        new Random(7).NextBytes(content);
        await using var file = new FileStream(folder.Combine("small.bin"), FileMode.CreateNew, FileAccess.Write);
        await using var stream = new FlushBehindFileStream(file, Interval);

        await stream.WriteAsync(content);

        Assert.That(stream.FlushesStarted, Is.Zero);
    }
}
