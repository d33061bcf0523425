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

    [Test]
    public async Task Write_ManyIntervals_EachEarlyFlushFindsEveryByteWrittenSoFarInTheFile()
    {
        Assume.That(OperatingSystem.IsLinux(), "early flushes are Linux only");
        using var folder = new TempDirectory();
        var path = folder.Combine("sizes.bin");
        var sizesSeen = new List<long>();
        var content = new byte[(5 * Interval) + 100];
        new Random(8).NextBytes(content);

        // A file buffer larger than each write: without the flush into the kernel first, the bytes would still be in it.
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 2 * Interval);
        await using var stream = new FlushBehindFileStream(file, Interval, _ =>
        {
            lock (sizesSeen)
            {
                sizesSeen.Add(new FileInfo(path).Length);
            }

            return 0;
        });

        for (var offset = 0; offset < content.Length; offset += 4096)
        {
            await stream.WriteAsync(content.AsMemory(offset, Math.Min(4096, content.Length - offset)));
            await stream.ThrowIfFlushFailedAsync(); // one at a time, so every interval starts one
        }

        Assert.That(sizesSeen, Is.EqualTo(new long[] { Interval, 2 * Interval, 3 * Interval, 4 * Interval, 5 * Interval }));
    }

    [Test]
    public async Task Write_EarlyFlushFails_ThrowIfFlushFailedNamesTheFileAndTheFix()
    {
        Assume.That(OperatingSystem.IsLinux(), "early flushes are Linux only");
        using var folder = new TempDirectory();
        var path = folder.Combine("failing.bin");
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        await using var stream = new FlushBehindFileStream(file, Interval, _ => 5); // EIO

        await stream.WriteAsync(new byte[Interval + 1]);
        var error = await Assert.ThrowsAsync<IOException>(stream.ThrowIfFlushFailedAsync);

        Assert.That(error!.Message, Does.Contain(path).And.Contain("receive again"));
        Assert.That(() => stream.Write(new byte[Interval + 1]), Throws.TypeOf<IOException>(), "later writes report it too");
    }

    [TestCase(38)] // ENOSYS: a kernel or sandbox without the call
    [TestCase(22)] // EINVAL: a file that cannot be synchronized
    public async Task Write_EarlyFlushNotSupported_WritesOnWithoutItAndReportsNoError(int errno)
    {
        Assume.That(OperatingSystem.IsLinux(), "early flushes are Linux only");
        using var folder = new TempDirectory();
        var path = folder.Combine("unsupported.bin");
        var calls = 0;
        var content = new byte[4 * Interval];
        new Random(9).NextBytes(content);
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            await using var stream = new FlushBehindFileStream(file, Interval, _ =>
            {
                Interlocked.Increment(ref calls);
                return errno;
            });

            for (var offset = 0; offset < content.Length; offset += Interval / 2)
            {
                await stream.WriteAsync(content.AsMemory(offset, Interval / 2));
                await stream.ThrowIfFlushFailedAsync();
            }
        }

        Assert.That(calls, Is.EqualTo(1), "tried once, then left to the final fsync");
        Assert.That(await File.ReadAllBytesAsync(path), Is.EqualTo(content));
    }

    [Test]
    public async Task Write_NotARegularFile_TheRealCallIsRefusedAndWritingGoesOn()
    {
        Assume.That(OperatingSystem.IsLinux() && File.Exists("/dev/null"), "needs Linux's /dev/null");

        // The real fdatasync on a character device answers EINVAL: early flushes turn off, nothing fails.
        await using var file = new FileStream("/dev/null", FileMode.Open, FileAccess.Write);
        await using var stream = new FlushBehindFileStream(file, Interval);
        for (var i = 0; i < 4; i++)
        {
            await stream.WriteAsync(new byte[Interval]);
            await stream.ThrowIfFlushFailedAsync();
        }

        Assert.That(stream.FlushesStarted, Is.EqualTo(1));
    }
}
