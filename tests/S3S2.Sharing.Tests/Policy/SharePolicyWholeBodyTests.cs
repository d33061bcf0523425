using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Sharing;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests.Policy;

/// <summary>
/// Encryptors whose output passes every check of the first 64 KiB (genuine session-key packets for the pinned key,
/// a well-formed integrity-protected data packet) but carries plaintext: the policy follows the body to its end.
/// </summary>
[TestFixture]
public sealed class SharePolicyWholeBodyTests
{
    private const int Threshold = 5 * 1024 * 1024;

    [Test]
    public async Task ShareStreamAsync_PlaintextInGenuinePacketsBelowThreshold_RefusedWithNoS3Call()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        var client = Client(Rogue(), new S3Uploader(s3.Object, ownsClient: false, Options(), NullLogger.Instance));

        var error = await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareStreamAsync(new MemoryStream(TestData.Csv(20_000)), "a.csv"));

        Assert.That(error!.Message, Does.Contain("does not look like ciphertext").And.Contain("nothing was stored"));
        s3.Verify(x => x.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        s3.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ShareStreamAsync_PlaintextAfterTheFirstParts_MultipartAbortedNeverCompleted()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(x => x.InitiateMultipartUploadAsync(It.IsAny<InitiateMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new InitiateMultipartUploadResponse { UploadId = "upload-1" });
        s3.Setup(x => x.UploadPartAsync(It.IsAny<UploadPartRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((UploadPartRequest r, CancellationToken _) => new UploadPartResponse { ETag = $"etag-{r.PartNumber}" });
        s3.Setup(x => x.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AbortMultipartUploadResponse());
        var client = Client(Rogue(randomPrefix: 2 * Threshold), new S3Uploader(s3.Object, ownsClient: false, Options(), NullLogger.Instance));

        var error = await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareStreamAsync(new MemoryStream(TestData.Csv(200_000)), "a.csv"));

        Assert.That(error!.Message, Does.Contain("does not look like ciphertext"));
        s3.Verify(x => x.UploadPartAsync(It.IsAny<UploadPartRequest>(), It.IsAny<CancellationToken>()), Times.AtLeastOnce, "the refusal came mid-stream");
        s3.Verify(x => x.AbortMultipartUploadAsync(It.Is<AbortMultipartUploadRequest>(r => r.UploadId == "upload-1"), It.IsAny<CancellationToken>()), Times.Once);
        s3.Verify(x => x.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        s3.Verify(x => x.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task ShareStreamAsync_SmallFileInGenuinePackets_RefusedAndNothingStored()
    {
        // Five CSV lines (about 140 bytes): too short for the byte histogram, judged by its count of text bytes.
        using var store = new TempDirectory();
        var client = Client(Rogue(), new LocalFolderStore(store.Path), bucket: null);

        var error = await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareStreamAsync(new MemoryStream(TestData.Csv(5)), "a.csv"));

        Assert.That(error!.Message, Does.Contain("of them are text"));
        Assert.That(Directory.EnumerateFiles(store.Path, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task ShareStreamAsync_PlaintextStartingJustBeforeAPartBoundary_NoPartCarriesAnyOfIt()
    {
        // The plaintext starts 20,000 bytes before the end of the first part, inside a window that closes after it:
        // the first part may be sent only once that window has been judged, and it fails.
        var sent = new List<byte[]>();
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(x => x.InitiateMultipartUploadAsync(It.IsAny<InitiateMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new InitiateMultipartUploadResponse { UploadId = "upload-1" });
        s3.Setup(x => x.UploadPartAsync(It.IsAny<UploadPartRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((UploadPartRequest r, CancellationToken _) =>
            {
                using var part = new MemoryStream();
                r.InputStream.CopyTo(part);
                lock (sent)
                {
                    sent.Add(part.ToArray());
                }

                return new UploadPartResponse { ETag = $"etag-{r.PartNumber}" };
            });
        s3.Setup(x => x.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AbortMultipartUploadResponse());
        var csv = TestData.Csv(200_000);
        var client = Client(Rogue(randomPrefix: Threshold - 20_000), new S3Uploader(s3.Object, ownsClient: false, Options(), NullLogger.Instance));

        var error = await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareStreamAsync(new MemoryStream(csv), "a.csv"));

        Assert.That(error!.Message, Does.Contain("does not look like ciphertext"));
        Assert.That(sent.Where(part => part.AsSpan().IndexOf(csv.AsSpan(0, 64)) >= 0), Is.Empty, "no part sent holds the plaintext");
        s3.Verify(x => x.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        s3.Verify(x => x.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task ShareStreamAsync_PlaintextMidStreamToAnUploaderThatStreams_NoneOfItReachesTheUploader()
    {
        // The plaintext starts 20,000 bytes before the end of the share pipe's third 1 MiB segment, inside a window that
        // closes in the fourth: the segments before are judged and passed on, the third's tail waits for that window.
        var uploader = new StreamingUploader();
        var csv = TestData.Csv(50_000);
        var client = Client(Rogue(randomPrefix: (3 * 1024 * 1024) - 20_000), uploader);

        var error = await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareStreamAsync(new MemoryStream(csv), "a.csv"));

        Assert.That(error!.Message, Does.Contain("does not look like ciphertext"));
        Assert.That(uploader.Received.Length, Is.GreaterThan(1024 * 1024), "the judged random start was streamed");
        Assert.That(uploader.Received.AsSpan().IndexOf(csv.AsSpan(0, 64)), Is.EqualTo(-1), "none of the plaintext was");
    }

    [Test]
    [Category("Integration")]
    public async Task ShareAsync_PlaintextInGenuinePacketsToLocalS3_NothingStored()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", TestData.Csv(20_000));
        source.WriteFile("big.csv", TestData.Csv(300_000));
        var client = Client(Rogue(randomPrefix: Threshold + 1), new S3Uploader(s3, ownsClient: false, Options(), NullLogger.Instance), bucket);

        await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareAsync([source.Path]));

        Assert.That(await server.ListKeysAsync(bucket), Is.Empty);
    }

    [Test]
    [Category("Integration")]
    public async Task ShareAsync_PlaintextManifestToLocalS3_NoManifestStored()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", TestData.Csv(100));
        var client = Client(Rogue(manifestOnly: true), new S3Uploader(s3, ownsClient: false, Options(), NullLogger.Instance), bucket);

        var error = await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareAsync([source.Path]));

        Assert.That(error!.Message, Does.Contain(".manifest.json.gpg").And.Contain("does not look like ciphertext"));
        Assert.That(await server.ListKeysAsync(bucket), Has.None.Contains("manifest"));
    }

    [Test]
    public async Task ShareStreamAsync_PlaintextInGenuinePacketsToLocalFolder_NoFileLeft()
    {
        using var store = new TempDirectory();
        var client = Client(Rogue(randomPrefix: 200_000), new LocalFolderStore(store.Path), bucket: null);

        await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareStreamAsync(new MemoryStream(TestData.Csv(50_000)), "a.csv"));

        Assert.That(Directory.EnumerateFiles(store.Path, "*", SearchOption.AllDirectories), Is.Empty, "neither the object nor its temporary file");
    }

    [Test]
    public async Task ShareStreamAsync_RealEncryptorAboveThreshold_Allowed()
    {
        var uploader = new RecordingUploader();
        var client = Client(new OpenPgpEncryptor(TestKeys.Recipients(TestKeys.Receiver), OpenPgpCompression.Zlib), uploader);
        var content = TestData.Csv(400_000);

        var receipt = await client.ShareStreamAsync(new MemoryStream(content), "a.csv");

        Assert.That(TestKeys.Decrypt(uploader.Objects[receipt.Files[0].Key], TestKeys.Receiver).Plaintext, Is.EqualTo(content));
    }

    /// <summary>An uploader that passes each byte on as it reads it, as one to a destination without atomic writes would.</summary>
    private sealed class StreamingUploader : IUploader
    {
        private readonly List<byte> _received = [];

        public byte[] Received => [.. _received];

        public async Task UploadAsync(UploadRequest request, CancellationToken cancellationToken = default)
        {
            var buffer = new byte[4096];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                _received.AddRange(buffer.AsSpan(0, read));
            }
        }
    }

    private static PlaintextInSealedPacketEncryptor Rogue(int randomPrefix = 0, bool manifestOnly = false) =>
        new(TestKeys.Recipients(TestKeys.Receiver), randomPrefix, manifestOnly);

    private static S3StoreOptions Options() => new() { MultipartThreshold = Threshold, PartSize = Threshold, MaxConcurrentParts = 2 };

    private static ShareClient Client(IEncryptor encryptor, IUploader uploader, string? bucket = "inbox") =>
        PolicyTestClients.Client(encryptor, uploader, TestKeys.Receiver, bucket);
}
