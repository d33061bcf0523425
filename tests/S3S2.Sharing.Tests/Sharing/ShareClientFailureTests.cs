using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Sharing;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests.Sharing;

[TestFixture]
public sealed class ShareClientFailureTests
{
    [Test]
    public async Task ShareAsync_SecondFileFails_ThrowsShareFailedWithIdAndTheUploadedKey()
    {
        using var source = new TempDirectory();
        source.WriteFile("a.csv", TestData.Csv(10));
        source.WriteFile("b.csv", TestData.Csv(10));
        var uploader = new FailingUploader(succeed: 1, new IOException("disk full"));
        var logger = new ListLogger();

        var failed = await Assert.ThrowsAsync<ShareFailedException>(() => Client(uploader, logger).ShareAsync([source.Path]));

        Assert.That(failed!.InnerException, Is.TypeOf<IOException>());
        Assert.That(failed.UploadedKeys, Is.EqualTo(uploader.Stored.Objects.Keys.ToArray()));
        Assert.That(failed.UploadedKeys.Single(), Does.EndWith($"{failed.ShareId}/a.csv.gpg"));
        Assert.That(failed.Message, Does.Contain(failed.ShareId).And.Contain("disk full").And.Contain("no manifest"));
        Assert.That(logger.Entries.Count(e => e.Message.Contains(failed.ShareId + " started", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(logger.Entries.Where(e => e.Level == LogLevel.Error).Select(e => e.Message), Has.One.Contains(failed.ShareId).And.Contains("disk full"));
    }

    [Test]
    public async Task ShareStreamAsync_Cancelled_ThrowsOperationCanceledCarryingTheShareId()
    {
        using var cancel = new CancellationTokenSource();
        var logger = new ListLogger();
        var content = new CancelOnReadStream(TestData.Csv(10_000), cancel);

        var error = await Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), () => Client(new RecordingUploader(), logger).ShareStreamAsync(content, "a.csv", cancellationToken: cancel.Token));

        var cancelled = (OperationCanceledException)error!;
        Assert.That(cancelled.CancellationToken, Is.EqualTo(cancel.Token));
        var share = (ShareFailedException)cancelled.InnerException!;
        Assert.That(share.InnerException, Is.InstanceOf<OperationCanceledException>());
        Assert.That(cancelled.Message, Does.Contain(share.ShareId).And.Contain("cancelled"));
        Assert.That(logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message), Has.One.Contains(share.ShareId));
        Assert.That(content.Disposed, Is.True);
    }

    [Test]
    public async Task ShareStreamAsync_UploadFails_ProducerWritingIntoAPipeIsReleased()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024));
        var producer = Task.Run(async () =>
        {
            // Writes far more than the pipe holds: blocked in FlushAsync until the reader takes it or goes away.
            var chunk = TestData.Csv(1000);
            for (var i = 0; i < 10_000; i++)
            {
                var result = await pipe.Writer.WriteAsync(chunk);
                if (result.IsCompleted)
                {
                    return "released";
                }
            }

            return "wrote everything";
        });

        await ShareFailures.InnerAsync<InvalidOperationException>(() =>
            Client(new FailingUploader(succeed: 0, new InvalidOperationException("bucket gone")), NullLogger.Instance).ShareStreamAsync(pipe.Reader.AsStream(), "a.csv"));

        Assert.That(await producer.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo("released"));
    }

    [Test]
    public async Task ShareStreamAsync_NameRefused_StreamDisposed()
    {
        var content = new CancelOnReadStream([1, 2, 3], cancel: null);

        await Assert.ThrowsAsync<ArgumentException>(() => Client(new RecordingUploader(), NullLogger.Instance).ShareStreamAsync(content, "../escape.csv"));

        Assert.That(content.Disposed, Is.True);
    }

    [Test]
    public async Task ShareStreamAsync_Succeeds_CallerStreamLeftOpen()
    {
        var content = new CancelOnReadStream(TestData.Csv(10), cancel: null);

        await Client(new RecordingUploader(), NullLogger.Instance).ShareStreamAsync(content, "a.csv");

        Assert.That(content.Disposed, Is.False);
    }

    private static ShareClient Client(IUploader uploader, ILogger logger)
    {
        var recipients = TestKeys.Recipients(TestKeys.Receiver);
        var options = new ShareClientOptions { Prefix = "partners/acme", MaxConcurrentFiles = 1 };
        var policy = new SharePolicy("default", null, "partners/acme", new OpenPgpMessageRule(recipients, []), null, NullLogger.Instance);
        return new ShareClient("default", options, new OpenPgpEncryptor(recipients, OpenPgpCompression.None), policy, uploader, TimeProvider.System, logger);
    }

    /// <summary>A source that cancels the share after its first read, and records whether it was disposed.</summary>
    private sealed class CancelOnReadStream(byte[] content, CancellationTokenSource? cancel) : MemoryStream(content)
    {
        public bool Disposed { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            if (cancel is not null)
            {
                await cancel.CancelAsync();
            }

            return read;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            cancel?.Cancel();
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            cancel?.Cancel();
            return base.Read(buffer);
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
