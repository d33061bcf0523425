using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Moq;
using S3S2.Sharing.IO;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests.Upload;

/// <summary>Multipart paths that the local S3 server does not implement (abort), with a strict mock.</summary>
[TestFixture]
public sealed class S3UploaderTests
{
    private const int PartSize = 5 * 1024 * 1024;

    [Test]
    public async Task UploadAsync_PartFails_AbortsAndThrowsThePartError()
    {
        var s3 = MultipartMock(failPart: 2);
        s3.Setup(x => x.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AbortMultipartUploadResponse());
        var uploader = Uploader(s3.Object, new ListLogger());

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => uploader.UploadAsync(Request(4 * PartSize)));

        Assert.That(error!.Message, Is.EqualTo("part 2 failed"));
        s3.Verify(x => x.AbortMultipartUploadAsync(It.Is<AbortMultipartUploadRequest>(r => r.UploadId == "upload-1" && r.Key == "p/k.gpg"), It.IsAny<CancellationToken>()), Times.Once);
        s3.Verify(x => x.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task UploadAsync_AbortAlsoFails_LogsAbortAndThrowsOriginalError()
    {
        var s3 = MultipartMock(failPart: 1);
        s3.Setup(x => x.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("abort not allowed"));
        var logger = new ListLogger();

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => Uploader(s3.Object, logger).UploadAsync(Request(3 * PartSize)));

        Assert.That(error!.Message, Is.EqualTo("part 1 failed"));
        Assert.That(logger.Entries.Single(e => e.Level == LogLevel.Warning).Message, Does.Contain("upload-1").And.Contain("abort not allowed"));
    }

    [Test]
    public async Task UploadAsync_AbortTimesOut_LogsAbortAndThrowsOriginalError()
    {
        var s3 = MultipartMock(failPart: 2);
        s3.Setup(x => x.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new TaskCanceledException("abort timed out"));
        var logger = new ListLogger();

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => Uploader(s3.Object, logger).UploadAsync(Request(3 * PartSize)));

        Assert.That(error!.Message, Is.EqualTo("part 2 failed"));
        Assert.That(logger.Entries.Single(e => e.Level == LogLevel.Warning).Message, Does.Contain("abort timed out"));
    }

    [Test]
    public async Task UploadAsync_MoreThanS3sPartLimit_FailsNamingTheFixAndAborts()
    {
        var s3 = MultipartMock(failPart: 0);
        s3.Setup(x => x.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AbortMultipartUploadResponse());

        // Tiny parts (the options validator would refuse them) reach the 10,000-part limit with a small body.
        var uploader = new S3Uploader(s3.Object, ownsClient: false, new S3StoreOptions { MultipartThreshold = 1, PartSize = 1, MaxConcurrentParts = 8 }, new ListLogger());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => uploader.UploadAsync(Request(S3Uploader.MaxParts + 5)));

        Assert.That(error!.Message, Does.Contain("10000 parts").And.Contain("Raise S3 PartSize"));
        s3.Verify(x => x.UploadPartAsync(It.IsAny<UploadPartRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(S3Uploader.MaxParts));
        s3.Verify(x => x.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task UploadAsync_BodyFailsMidway_AbortsAndThrowsTheBodyError()
    {
        var s3 = MultipartMock(failPart: 0);
        s3.Setup(x => x.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AbortMultipartUploadResponse());
        var body = new NonSeekableStream(TestData.Random(2 * PartSize, 3), new IOException("disk gone"));

        var error = await Assert.ThrowsAsync<IOException>(() => Uploader(s3.Object, new ListLogger()).UploadAsync(Request(body)));

        Assert.That(error!.Message, Is.EqualTo("disk gone"));
        s3.Verify(x => x.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task UploadAsync_LargeBody_CompletesWithPartsInOrderAndExactBytes()
    {
        var s3 = MultipartMock(failPart: 0);
        var received = new System.Collections.Concurrent.ConcurrentDictionary<int, byte[]>();
        s3.Setup(x => x.UploadPartAsync(It.IsAny<UploadPartRequest>(), It.IsAny<CancellationToken>()))
            .Returns<UploadPartRequest, CancellationToken>(async (r, token) =>
            {
                Assert.That(r.UseChunkEncoding, Is.False);
                received[r.PartNumber!.Value] = ((MemoryStream)r.InputStream).ToArray();
                await Task.Delay(r.PartNumber == 1 ? 50 : 0, token);
                return new UploadPartResponse { ETag = $"etag-{r.PartNumber}" };
            });
        List<PartETag>? completed = null;
        s3.Setup(x => x.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .Callback<CompleteMultipartUploadRequest, CancellationToken>((r, _) => completed = r.PartETags)
            .ReturnsAsync(new CompleteMultipartUploadResponse());
        var content = TestData.Random((3 * PartSize) + 17, 5);

        await Uploader(s3.Object, new ListLogger()).UploadAsync(Request(new MemoryStream(content)));

        Assert.That(completed!.Select(p => p.PartNumber), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        Assert.That(completed!.Select(p => p.ETag), Is.EqualTo(new[] { "etag-1", "etag-2", "etag-3", "etag-4" }));
        Assert.That(received.OrderBy(p => p.Key).SelectMany(p => p.Value).ToArray(), Is.EqualTo(content));
    }

    private static Mock<IAmazonS3> MultipartMock(int failPart)
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(x => x.InitiateMultipartUploadAsync(It.IsAny<InitiateMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new InitiateMultipartUploadResponse { UploadId = "upload-1" });
        s3.Setup(x => x.UploadPartAsync(It.IsAny<UploadPartRequest>(), It.IsAny<CancellationToken>()))
            .Returns<UploadPartRequest, CancellationToken>((r, _) => r.PartNumber == failPart
                ? Task.FromException<UploadPartResponse>(new AmazonS3Exception($"part {failPart} failed"))
                : Task.FromResult(new UploadPartResponse { ETag = $"etag-{r.PartNumber}" }));
        return s3;
    }

    private static S3Uploader Uploader(IAmazonS3 s3, ILogger logger) =>
        new(s3, ownsClient: false, new S3StoreOptions { MultipartThreshold = PartSize, PartSize = PartSize, MaxConcurrentParts = 2 }, logger);

    private static UploadRequest Request(int length) => Request(new MemoryStream(TestData.Random(length, 9)));

    private static UploadRequest Request(Stream body) =>
        new("inbox", "p/k.gpg", "application/octet-stream", new Dictionary<string, string>(), S3S2.Sharing.Storage.ServerSideEncryptionMethod.None, null, new PrefixedStream([], 0, body));
}
