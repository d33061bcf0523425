using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Logging.Abstractions;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Sharing;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests.Upload;

/// <summary>
/// Faults injected on the wire between the real AWS SDK client and the local S3 server: transient ones are retried
/// and the stored bytes are exactly what was sent; a permanent one fails the share cleanly and leaves nothing visible.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class S3UploaderFaultTests
{
    private const int PartSize = 5 * 1024 * 1024;

    [TestCase(PipelineFault.SlowDown)]
    [TestCase(PipelineFault.InternalError)]
    [TestCase(PipelineFault.ConnectionReset)]
    [TestCase(PipelineFault.Slow)]
    public async Task ShareAsync_TransientFaultOnPutAndOnAPart_CompletesWithIdenticalBytes(PipelineFault fault)
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var handler = new FaultInjectingHandler();
        using var s3 = Client(handler);
        handler.Once(FaultInjectingHandler.IsUploadPart, fault);
        handler.Once(FaultInjectingHandler.IsPutObject, fault);
        using var source = new TempDirectory();
        var files = new Dictionary<string, byte[]> { ["big.bin"] = TestData.Random((2 * PartSize) + 999, 11), ["small.csv"] = TestData.Csv(500) };
        foreach (var (name, content) in files)
        {
            source.WriteFile(name, content);
        }

        var receipt = await Client(s3, bucket).ShareAsync([source.Path]);

        foreach (var file in receipt.Files)
        {
            Assert.That(TestKeys.Decrypt(await server.GetObjectBytesAsync(bucket, file.Key), TestKeys.Receiver).Plaintext, Is.EqualTo(files[file.Path]), file.Path);
        }

        Assert.That(await server.ListKeysAsync(bucket), Does.Contain(receipt.ManifestKey));
        Assert.That(handler.Requests.Count(r => r.Fault == fault), Is.EqualTo(2), "both planned faults were injected");
        AssertEveryBodyCarriedItsContentMd5(handler);
    }

    [Test]
    public async Task ShareAsync_PartsFailPermanently_OneLineErrorAbortNoManifestAndARerunWorks()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var handler = new FaultInjectingHandler();
        using var s3 = Client(handler);
        handler.Always(FaultInjectingHandler.IsUploadPart, PipelineFault.InternalError);
        var content = TestData.Random((2 * PartSize) + 5, 12);
        var client = Client(s3, bucket);

        var failed = await Assert.ThrowsAsync<ShareFailedException>(() => client.ShareStreamAsync(new MemoryStream(content), "big.bin"));

        Assert.That(failed!.InnerException, Is.InstanceOf<AmazonS3Exception>());
        Assert.That(failed.Message, Does.Contain(failed.ShareId).And.Contain("internal error").And.Not.Contain("\n"));
        Assert.That(await server.ListKeysAsync(bucket), Is.Empty, "no object, no manifest");
        Assert.That(handler.Requests.Where(r => r.Method == HttpMethod.Delete).Select(r => r.PathAndQuery), Has.One.Contains("uploadId="), "the multipart upload was aborted (s3rver answers 405 to it)");

        handler.Heal();
        var receipt = await client.ShareStreamAsync(new MemoryStream(content), "big.bin");

        Assert.That(TestKeys.Decrypt(await server.GetObjectBytesAsync(bucket, receipt.Files[0].Key), TestKeys.Receiver).Plaintext, Is.EqualTo(content));
        Assert.That(await server.ListKeysAsync(bucket), Is.EquivalentTo(new[] { receipt.Files[0].Key, receipt.ManifestKey }));
    }

    [Test]
    public async Task ShareStreamAsync_EveryPutAndPart_CarriesTheContentMd5OfItsBody()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var handler = new FaultInjectingHandler();
        using var s3 = Client(handler);

        await Client(s3, bucket).ShareStreamAsync(new MemoryStream(TestData.Random(PartSize + 3, 13)), "a.bin");

        Assert.That(handler.Requests.Count(r => r.Method == HttpMethod.Put), Is.EqualTo(3), "two parts and the manifest");
        AssertEveryBodyCarriedItsContentMd5(handler);
    }

    private static void AssertEveryBodyCarriedItsContentMd5(FaultInjectingHandler handler)
    {
        var puts = handler.Requests.Where(r => r.Method == HttpMethod.Put && r.PathAndQuery.Count(c => c == '/') > 1).ToList();
        Assert.That(puts, Is.Not.Empty);
        Assert.That(puts.Select(r => r.ContentMd5), Is.EqualTo(puts.Select(r => r.BodyMd5)), "Content-MD5 equals the MD5 of the bytes sent, so S3 refuses a body changed on the way");
    }

    private static AmazonS3Client Client(FaultInjectingHandler handler) => new(LocalS3Server.Credentials, new AmazonS3Config
    {
        ServiceURL = LocalS3Server.Instance.Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        HttpClientFactory = new FaultInjectingHttpClientFactory(handler),
        RetryMode = RequestRetryMode.Standard,
        MaxErrorRetry = 3,
    });

    private static ShareClient Client(IAmazonS3 s3, string bucket)
    {
        var recipients = TestKeys.Recipients(TestKeys.Receiver);
        var options = new ShareClientOptions { Bucket = bucket, Prefix = "partners/acme", MaxConcurrentFiles = 2 };
        var policy = new SharePolicy("default", bucket, "partners/acme", new OpenPgpMessageRule(recipients, []), null, NullLogger.Instance);
        var uploader = new S3Uploader(s3, ownsClient: false, new S3StoreOptions { MultipartThreshold = PartSize, PartSize = PartSize, MaxConcurrentParts = 2 }, NullLogger.Instance);
        return new ShareClient("default", options, new OpenPgpEncryptor(recipients, OpenPgpCompression.None), policy, uploader, TimeProvider.System, NullLogger.Instance);
    }
}
