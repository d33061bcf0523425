using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Sharing;

/// <summary>Share sessions end to end: real s3rver (or the folder store), real receive client, bytes compared.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ShareSessionTests
{
    private const int PartSize = ReceiveTestBed.PartSize;

    [Test]
    public async Task CompleteAsync_TwoStreams_ReceiverGetsBothByteIdentical()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        var orders = TestData.Csv(5000);
        var blob = TestData.Random(70_000, seed: 3);

        ShareReceipt receipt;
        await using (var share = await bed.Sharer().BeginShareAsync())
        {
            await share.AddStreamAsync(new NonSeekableStream(orders), "orders/2026-11-30.csv");
            await share.AddStreamAsync(new MemoryStream(blob), "blobs/b.bin");
            Assert.That((await bed.Receiver().ListSharesAsync()).Complete, Is.Empty, "nothing is visible before CompleteAsync");
            receipt = await share.CompleteAsync();
            Assert.That(share.IsCompleted, Is.True);
        }

        var received = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "orders", "2026-11-30.csv")), Is.EqualTo(orders));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "blobs", "b.bin")), Is.EqualTo(blob));
        Assert.That(receipt.Files.Select(f => f.Path), Is.EqualTo(new[] { "blobs/b.bin", "orders/2026-11-30.csv" }), "receipt in relative-path order");
    }

    [Test]
    public async Task OpenWriteAsync_CsvProducerWritingRows_GoesMultipartAndReceivesByteIdentical()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        var expected = new MemoryStream();

        ShareReceipt receipt;
        await using (var share = await bed.Sharer(compression: OpenPgpCompression.None).BeginShareAsync())
        {
            // A producer that knows nothing about S3: a StreamWriter writing rows, as CsvHelper or an export would.
            var writer = await share.OpenWriteAsync("orders/2026-11-30.csv");
            await using (writer)
            await using (var csv = new StreamWriter(writer, new System.Text.UTF8Encoding(false), bufferSize: 4096))
            {
                await csv.WriteLineAsync("id,customer,amount");
                for (var row = 0; row < 250_000; row++)
                {
                    var line = string.Create(CultureInfo.InvariantCulture, $"{row},customer-{row % 97},{row * 3.25:F2}");
                    await csv.WriteLineAsync(line);
                }
            }

            receipt = await share.CompleteAsync();
        }

        using (var csv = new StreamWriter(expected, new System.Text.UTF8Encoding(false), leaveOpen: true))
        {
            csv.WriteLine("id,customer,amount");
            for (var row = 0; row < 250_000; row++)
            {
                csv.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{row},customer-{row % 97},{row * 3.25:F2}"));
            }
        }

        Assert.That(expected.Length, Is.GreaterThan(PartSize), "large enough for a multipart upload");
        var received = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);
        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "orders", "2026-11-30.csv")), Is.EqualTo(expected.ToArray()));
        Assert.That(receipt.Files.Single().Sha256, Is.EqualTo(TestData.Sha256Hex(expected.ToArray())));
    }

    [Test]
    public async Task AddFileAndAddDirectory_OneShare_ReceivedUnderTheirOwnSubPaths()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        var customers = source.WriteFile("customers.csv", TestData.Csv(30));
        source.WriteFile("daily/a.csv", TestData.Csv(10));
        source.WriteFile("daily/deep/b.csv", TestData.Csv(20));

        ShareReceipt receipt;
        await using (var share = await bed.Sharer().BeginShareAsync())
        {
            await share.AddFileAsync(customers);
            var added = await share.AddDirectoryAsync(source.Combine("daily"), "reports/2026-11-30");
            Assert.That(added.Select(f => f.Path), Is.EqualTo(new[] { "reports/2026-11-30/a.csv", "reports/2026-11-30/deep/b.csv" }));
            receipt = await share.CompleteAsync();
        }

        var received = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "customers.csv")), Is.EqualTo(TestData.Csv(30)));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "reports", "2026-11-30", "a.csv")), Is.EqualTo(TestData.Csv(10)));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "reports", "2026-11-30", "deep", "b.csv")), Is.EqualTo(TestData.Csv(20)));
    }

    [Test]
    public async Task AddStreamAsync_PathAlreadyInTheShare_RefusedAndTheShareGoesOn()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        await using var share = await bed.Sharer().BeginShareAsync();
        await share.AddStreamAsync(new MemoryStream(TestData.Csv(5)), "orders.csv");

        var duplicate = await Assert.ThrowsAsync<ArgumentException>(() => share.AddStreamAsync(new MemoryStream([1]), "orders.csv"));
        var folded = await Assert.ThrowsAsync<ArgumentException>(() => share.OpenWriteAsync("ORDERS.csv"));
        var receipt = await share.CompleteAsync();

        Assert.That(duplicate!.Message, Does.Contain("already has a file 'orders.csv'"));
        Assert.That(folded!.Message, Does.Contain("'orders.csv'").And.Contain("'ORDERS.csv'"));
        Assert.That(receipt.Files.Select(f => f.Path), Is.EqualTo(new[] { "orders.csv" }));
        Assert.That(await bed.ReadObjectAsync(receipt.Files[0].Key), Is.Not.Empty);
    }

    [Test]
    public async Task AddFileAsync_FileWhereAnEarlierPartNeedsAFolder_RefusedAndTheShareIsReceivable()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        var report = source.WriteFile("reports", TestData.Csv(2));
        ShareReceipt receipt;
        await using (var share = await bed.Sharer().BeginShareAsync())
        {
            await share.AddStreamAsync(new MemoryStream(TestData.Csv(4)), "reports/daily.csv");

            var refused = await Assert.ThrowsAsync<ArgumentException>(() => share.AddFileAsync(report));

            Assert.That(refused!.Message, Does.Contain("'reports'").And.Contain("folder"));
            receipt = await share.CompleteAsync();
        }

        var received = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);
        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "reports", "daily.csv")), Is.EqualTo(TestData.Csv(4)));
    }

    [Test]
    public async Task CompleteAsync_WriterStillOpen_RefusedNamingIt()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        await using var share = await bed.Sharer().BeginShareAsync();
        var writer = await share.OpenWriteAsync("open.csv");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => share.CompleteAsync());
        await writer.WriteAsync(TestData.Csv(3));
        await writer.DisposeAsync();
        var receipt = await share.CompleteAsync();

        Assert.That(refused!.Message, Does.Contain("'open.csv'").And.Contain("Dispose"));
        Assert.That(TestKeys.Decrypt(await bed.ReadObjectAsync(receipt.Files[0].Key), TestKeys.Receiver).Plaintext, Is.EqualTo(TestData.Csv(3)));
    }

    [Test]
    public async Task DisposeAsync_WithoutComplete_NoManifestNoMultipartLeftAndIdAndKeysReported()
    {
        var moto = LocalMotoServer.Instance;
        var bucket = await moto.CreateBucketAsync();
        var logs = new ListLoggerProvider();
        using var provider = MotoProvider(moto, bucket, logs);
        var client = provider.GetRequiredService<IShareClient>();

        IShareSession share;
        await using (share = await client.BeginShareAsync())
        {
            await share.AddStreamAsync(new MemoryStream(TestData.Csv(100)), "first.csv");

            // Half a writable file, past the multipart threshold: its multipart upload is running when the session goes.
            var writer = await share.OpenWriteAsync("half.bin");
            await writer.WriteAsync(TestData.Random((2 * PartSize) + 100, seed: 5));
        }

        using var s3 = moto.CreateS3Client();
        var uploads = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.That(uploads.MultipartUploads ?? [], Is.Empty, "the running multipart upload was aborted");
        var keys = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects?.Select(o => o.Key).ToList() ?? [];
        Assert.That(keys, Is.EqualTo(new[] { $"partners/acme/{share.ShareId}/first.csv.gpg" }), "only the finished file; no manifest");
        Assert.That(share.UploadedKeys, Is.EqualTo(keys));
        Assert.That(share.IsCompleted, Is.False);
        var listing = await provider.GetRequiredService<IReceiveClient>().ListSharesAsync();
        Assert.That(listing.Complete, Is.Empty);
        Assert.That(listing.Incomplete, Is.EqualTo(new[] { share.ShareId }));
        var abandoned = logs.Logger.Entries.Where(e => e.Message.Contains("abandoned", StringComparison.Ordinal)).ToList();
        Assert.That(abandoned, Has.Count.EqualTo(1));
        Assert.That(abandoned[0].Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(abandoned[0].Message, Does.Contain(share.ShareId).And.Contain(keys[0]));
        Assert.That(logs.Logger.Entries.Where(e => e.Level >= LogLevel.Error), Is.Empty, "abandoning is reported once, as a warning");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => share.AddStreamAsync(new MemoryStream([1]), "late.csv"));
    }

    [Test]
    public async Task OpenWriteAsync_UploadFailsOnTheWire_ProducerReleasedWithTheShareFailure()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var handler = new FaultInjectingHandler();
        handler.Always(FaultInjectingHandler.IsUploadPart, PipelineFault.InternalError);
        using var s3 = new AmazonS3Client(LocalS3Server.Credentials, new AmazonS3Config
        {
            ServiceURL = server.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            HttpClientFactory = new FaultInjectingHttpClientFactory(handler),
            MaxErrorRetry = 1,
        });
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonS3>(s3);
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = bucket;
                o.Prefix = "partners/acme";
            })
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored));
                o.Compression = OpenPgpCompression.None;
            })
            .AddS3Store(o =>
            {
                o.MultipartThreshold = PartSize;
                o.PartSize = PartSize;
            });
        await using var provider = services.BuildServiceProvider();
        await using var share = await provider.GetRequiredService<IShareClient>().BeginShareAsync();
        var writer = await share.OpenWriteAsync("endless.csv");

        // The producer would write 1 GiB; it must be stopped by the failure, not left blocked on a full pipe.
        var producer = Task.Run(async () =>
        {
            var chunk = TestData.Csv(2000);
            for (long written = 0; written < 1L << 30; written += chunk.Length)
            {
                await writer.WriteAsync(chunk);
            }
        });

        var failed = await Assert.ThrowsAsync<ShareFailedException>(async () => await producer.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.That(failed!.ShareId, Is.EqualTo(share.ShareId));
        Assert.That(failed.InnerException, Is.InstanceOf<AmazonS3Exception>());
        await Assert.ThrowsAsync<ShareFailedException>(async () => await writer.DisposeAsync());
        Assert.That(await Assert.ThrowsAsync<ShareFailedException>(() => share.CompleteAsync()), Is.SameAs(failed), "one failure, reported the same way everywhere");
        Assert.That(await server.ListKeysAsync(bucket), Is.Empty);
    }

    [Test]
    public async Task BeginShareAsync_LabelsAndIdempotencyKey_TravelInTheEncryptedManifest()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var options = new ShareSessionOptions { IdempotencyKey = "etl-run-4711" };
        options.Labels["dataset"] = "orders";
        options.Labels["run"] = "2026-11-30";

        ShareReceipt receipt;
        await using (var share = await bed.Sharer().BeginShareAsync(options))
        {
            await share.AddStreamAsync(new MemoryStream(TestData.Csv(3)), "orders.csv");
            receipt = await share.CompleteAsync();
        }

        var manifest = TestKeys.Decrypt(await bed.ReadObjectAsync(receipt.ManifestKey), TestKeys.Receiver).Plaintext;
        using var json = System.Text.Json.JsonDocument.Parse(manifest);
        Assert.That(json.RootElement.GetProperty("idempotencyKey").GetString(), Is.EqualTo("etl-run-4711"));
        Assert.That(json.RootElement.GetProperty("labels").GetProperty("dataset").GetString(), Is.EqualTo("orders"));
        Assert.That(json.RootElement.GetProperty("labels").GetProperty("run").GetString(), Is.EqualTo("2026-11-30"));
        Assert.That(System.Text.Encoding.UTF8.GetString(await bed.ReadObjectAsync(receipt.ManifestKey)), Does.Not.Contain("etl-run-4711"), "only inside the encryption");
    }

    [Test]
    public async Task BeginShareAsync_InvalidLabel_RefusedNamingIt()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var options = new ShareSessionOptions();
        options.Labels["bad\nname"] = "x";
        options.Labels["ok"] = new string('v', ShareSessionOptions.MaxValueLength + 1);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => bed.Sharer().BeginShareAsync(options));

        Assert.That(refused!.Message, Does.Contain("bad\nname").And.Contain("label 'ok'"));
    }

    [Test]
    public async Task ShareAsync_Paths_ProgressCarriesFinalTotalsAndEndsComplete()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("a.csv", TestData.Csv(1000));
        source.WriteFile("b.csv", TestData.Csv(3000));
        var reports = new RecordingProgress();

        await bed.Sharer().ShareAsync([source.Combine("a.csv"), source.Combine("b.csv")], reports);

        var total = TestData.Csv(1000).Length + TestData.Csv(3000).Length;
        Assert.That(reports.Values, Is.Not.Empty);
        Assert.That(reports.Values, Has.All.Matches<ShareProgress>(p => p!.TotalsFinal && p.FileCount == 2 && p.TotalBytes == total));
        Assert.That(reports.Values.Select(p => p.TotalBytesRead), Is.Ordered, "reports arrive in order, from one place");
        var last = reports.Values[^1];
        Assert.That((last.FilesCompleted, last.TotalBytesRead), Is.EqualTo((2, (long)total)));
    }

    [Test]
    public async Task Session_Progress_FileCountAndTotalGrowAsPartsAreAdded()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var reports = new RecordingProgress();

        await using (var share = await bed.Sharer().BeginShareAsync(progress: reports))
        {
            await share.AddStreamAsync(new NonSeekableStream(TestData.Csv(100)), "a.csv");
            await share.AddStreamAsync(new MemoryStream(TestData.Csv(200)), "b.csv");
            await share.CompleteAsync();
        }

        var total = (long)(TestData.Csv(100).Length + TestData.Csv(200).Length);
        Assert.That(reports.Values.Select(p => (p.FilesCompleted, p.FileCount, p.TotalBytes)), Does.Contain((1, 1, (long)TestData.Csv(100).Length)), "after the first part, the totals are the first part's");
        Assert.That((reports.Values[^1].FilesCompleted, reports.Values[^1].FileCount, reports.Values[^1].TotalBytes), Is.EqualTo((2, 2, total)));
        Assert.That(reports.Values.Select(p => p.TotalBytes), Is.Ordered);
        Assert.That(reports.Values.Select(p => p.FileCount), Is.Ordered);
        Assert.That(reports.Values, Has.None.Matches<ShareProgress>(p => p!.TotalsFinal), "a session's totals are final only once it completes");
    }

    private static ServiceProvider MotoProvider(LocalMotoServer moto, string bucket, ILoggerProvider logs)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = bucket;
                o.Prefix = "partners/acme";
            })
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored));
                o.Compression = OpenPgpCompression.None;
            })
            .AddS3Store(o =>
            {
                o.ServiceUrl = moto.Endpoint;
                o.Credentials = LocalMotoServer.Credentials;
                o.Region = LocalMotoServer.Region;
                o.MultipartThreshold = PartSize;
                o.PartSize = PartSize;
            })
            .AddReceiving();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>Records reports as they are made (Progress&lt;T&gt; would post them later, out of order).</summary>
    private sealed class RecordingProgress : IProgress<ShareProgress>
    {
        public List<ShareProgress> Values { get; } = [];

        public void Report(ShareProgress value)
        {
            lock (Values)
            {
                Values.Add(value);
            }
        }
    }
}
