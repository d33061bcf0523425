using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>
/// A download's body as the decryptor reads it: read ahead in chunks from the shared pool, it gives
/// every byte in order whatever the piece sizes, and after it is disposed it refuses to read rather than use a buffer
/// it gave back.
/// </summary>
[TestFixture]
public sealed class DownloadStreamTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(1024 * 1024)]
    [TestCase((3 * 1024 * 1024) + 777)]
    public async Task ReadAsync_BodyOfSeveralChunksWithShortReads_EveryByteInOrder(int length)
    {
        var content = new byte[length];
        new Random(length).NextBytes(content);
        await using var stream = new DownloadStream(new ShortReadStream(content, seed: 1, maxRead: 300_000), TimeSpan.FromSeconds(30), "object 'a'");

        using var output = new MemoryStream();
        var random = new Random(2);
        var buffer = new byte[2 * 1024 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer.AsMemory(0, 1 + random.Next(random.Next(2) == 0 ? 10 : buffer.Length)))) > 0)
        {
            output.Write(buffer, 0, n);
        }

        Assert.That(output.ToArray(), Is.EqualTo(content));
        Assert.That(stream.BytesRead, Is.EqualTo(length));
        Assert.That(stream.Fault, Is.Null);
    }

    [Test]
    public void Read_SynchronousSmallPieces_EveryByteInOrder()
    {
        var content = new byte[(2 * 1024 * 1024) + 5];
        new Random(3).NextBytes(content);
        using var stream = new DownloadStream(new ShortReadStream(content, seed: 4, maxRead: 200_000), TimeSpan.FromSeconds(30), "object 'a'");

        using var output = new MemoryStream();
        var buffer = new byte[70_000];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        Assert.That(output.ToArray(), Is.EqualTo(content));
    }

    [Test]
    public async Task ReadAsync_AfterDisposeWithTheReadAheadDone_ThrowsObjectDisposed()
    {
        var content = new byte[3 * 1024 * 1024];
        var stream = new DownloadStream(new MemoryStream(content), TimeSpan.FromSeconds(30), "object 'a'");
        Assert.That(await stream.ReadAsync(new byte[10]), Is.EqualTo(10));

        await stream.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await stream.ReadExactlyAsync(new byte[10]));
    }

    /// <summary>Reading stops once the body runs past its limit: the overrun is kept apart from the store's faults (no retry).</summary>
    [TestCase(300_000, true)]
    [TestCase(1024 * 1024, false)]
    public async Task ReadAsync_BodyPastMaxBytes_OverrunAndNoMoreRead(long maxBytes, bool refused)
    {
        var content = new byte[1024 * 1024];
        await using var stream = new DownloadStream(new MemoryStream(content), TimeSpan.FromSeconds(30), "object 'a'") { MaxBytes = maxBytes };

        if (refused)
        {
            var error = await Assert.ThrowsAsync<IntegrityException>(async () => await stream.CopyToAsync(Stream.Null));
            Assert.That(error!.Message, Does.Contain("object 'a': the object runs past 300000 bytes"));
            Assert.That(stream.Overrun, Is.SameAs(error));
            Assert.That(stream.BytesRead, Is.LessThanOrEqualTo(maxBytes));
        }
        else
        {
            await stream.CopyToAsync(Stream.Null);
            Assert.That(stream.BytesRead, Is.EqualTo(content.Length));
            Assert.That(stream.Overrun, Is.Null);
        }

        Assert.That(stream.Fault, Is.Null);
    }
}
