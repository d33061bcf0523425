using System.Text.Json.Nodes;
using Amazon.S3.Model;
using Amazon.SQS.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;
using S3S2.Sharing.Queue;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Queue;

/// <summary>
/// The share queue worker on moto: real S3 event notifications for new manifests go to a real SQS queue with a redrive
/// policy, partners share with the library, and workers in a host receive from the queue.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ShareQueueWorkerTests
{
    private static readonly string[] Partners = ["BigDataRider", "CustomDataSurfer", "DeepLake"];

    [Test]
    public async Task Worker_ThreeConcurrentSharesThirtySharesFromThreePartners_EachReceivedAndHandledOnceBytesIdentical()
    {
        using var bed = await QueueTestBed.CreateAsync();
        var expected = new Dictionary<string, (string Partner, Dictionary<string, byte[]> Files)>();
        for (var i = 0; i < 30; i++)
        {
            var partner = Partners[i % 3];
            var files = new Dictionary<string, byte[]>
            {
                ["orders.csv"] = TestData.Csv(50 + i),
                [$"blobs/part-{i}.bin"] = TestData.Random(1000 + (i * 97), seed: i),
            };
            var receipt = await bed.ShareAsync(partner, files);
            expected[receipt.ShareId] = (partner, files);
        }

        var handler = new RecordingShareHandler();
        using var host = bed.BuildWorker(handler: handler);
        await host.StartAsync();
        await QueueTestBed.WaitUntilAsync(async () => handler.Calls.Count >= 30 && await bed.CountAsync(bed.QueueUrl) == 0, TimeSpan.FromSeconds(90), "30 shares handled and the queue empty");
        await host.StopAsync();

        Assert.That(handler.Calls.Select(c => c.Share.ShareId), Is.EquivalentTo(expected.Keys), "each share handed over exactly once");
        foreach (var (share, files) in handler.Calls)
        {
            Assert.That(share.Sender, Is.EqualTo(expected[share.ShareId].Partner));
            Assert.That(share.ManifestKey, Does.StartWith($"partners/{expected[share.ShareId].Partner}/{share.ShareId}.manifest.json"));
            Assert.That(files, Is.EqualTo(expected[share.ShareId].Files), $"bytes of share {share.ShareId} seen by the handler");
        }

        var output = QueueTestBed.ReadOutput(bed.Output.Path);
        Assert.That(output.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (shareId, (_, files)) in expected)
        {
            Assert.That(output[shareId], Is.EqualTo(files), $"bytes of share {shareId} on disk");
            Assert.That(File.Exists(bed.Output.Combine(shareId + ".handled")), Is.True);
        }

        Assert.That(await bed.CountAsync(bed.DeadLetterQueueUrl), Is.Zero);
    }

    [Test]
    public async Task Worker_QueueThatDoesNotExist_EndsAtStartNamingQueueUrlAndStopsTheHost()
    {
        using var bed = await QueueTestBed.CreateAsync();
        var missing = bed.QueueUrl + "-typo";
        using var host = bed.BuildWorker(o => o.QueueUrl = missing);

        await host.StartAsync();
        var worker = (BackgroundService)host.Services.GetServices<IHostedService>().Single(s => s is BackgroundService);
        var ended = await Task.WhenAny(worker.ExecuteTask!, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.That(ended, Is.SameAs(worker.ExecuteTask), "the worker ends instead of retrying a queue that is not there");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => worker.ExecuteTask!);
        Assert.That(error!.Message, Does.Contain($"the SQS queue {missing} does not exist").And.Contain("QueueUrl"));
        Assert.That(error.InnerException, Is.InstanceOf<QueueDoesNotExistException>());
        await host.StopAsync();
    }

    [Test]
    public async Task Worker_ReceiveSideDeleteAfterReceiveAndAFailingHandler_ObjectsKeptSoTheRedeliveryCallsTheHandlerAgain()
    {
        using var bed = await QueueTestBed.CreateAsync();
        var receipt = await bed.ShareAsync("acme", new Dictionary<string, byte[]> { ["a.csv"] = TestData.Csv(50) });
        var calls = 0;
        var handler = new Mock<IReceivedShareHandler>();
        handler.Setup(h => h.HandleAsync(It.IsAny<VerifiedShare>(), It.IsAny<CancellationToken>()))
            .Callback(() => Interlocked.Increment(ref calls))
            .ThrowsAsync(new IOException("the warehouse is down"));
        using var host = bed.BuildWorker(handler: handler.Object, receiving: o => o.DeleteAfterReceive = true);

        await host.StartAsync();
        // Before, the receive deleted the share's objects before the handler ran: the redelivery found no manifest, the
        // handler never ran again, and the message went to the dead-letter queue with the share lost from the bucket.
        await QueueTestBed.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref calls) >= 2), TimeSpan.FromSeconds(60), "the handler called again on the redelivery");
        await host.StopAsync();

        var manifest = await bed.S3.GetObjectMetadataAsync(bed.Bucket, receipt.ManifestKey);
        Assert.That(manifest.ContentLength, Is.GreaterThan(0), "the manifest is still in the bucket");
        Assert.That(await bed.S3.GetObjectMetadataAsync(bed.Bucket, receipt.Files[0].Key), Is.Not.Null);
    }

    [Test]
    public async Task Worker_CorruptShare_DeadLetteredAfterRedriveLimitNothingWrittenOthersReceived()
    {
        using var bed = await QueueTestBed.CreateAsync();
        var good = await bed.ShareAsync("BigDataRider", new Dictionary<string, byte[]> { ["a.csv"] = TestData.Csv(100) });
        var bad = await bed.ShareAsync("CustomDataSurfer", new Dictionary<string, byte[]> { ["b.csv"] = TestData.Csv(200), ["c.csv"] = TestData.Csv(300) });

        // One byte of one file's ciphertext changed in the bucket after the share completed.
        var key = bad.Files.Single(f => f.Path == "c.csv").Key;
        using (var response = await bed.S3.GetObjectAsync(bed.Bucket, key))
        using (var copy = new MemoryStream())
        {
            await response.ResponseStream.CopyToAsync(copy);
            var bytes = copy.ToArray();
            bytes[bytes.Length / 2] ^= 0x01;
            await bed.S3.PutObjectAsync(new PutObjectRequest { BucketName = bed.Bucket, Key = key, InputStream = new MemoryStream(bytes) });
        }

        var logs = new ListLoggerProvider();
        var handler = new RecordingShareHandler();
        using var host = bed.BuildWorker(handler: handler, logs: logs);
        await host.StartAsync();
        await QueueTestBed.WaitUntilAsync(async () => await bed.CountAsync(bed.DeadLetterQueueUrl) == 1 && await bed.CountAsync(bed.QueueUrl) == 0, TimeSpan.FromSeconds(60), "the corrupt share's message in the dead-letter queue");
        await host.StopAsync();

        Assert.That(handler.Calls.Select(c => c.Share.ShareId), Is.EqualTo(new[] { good.ShareId }));
        Assert.That(QueueTestBed.ReadOutput(bed.Output.Path)[good.ShareId]["a.csv"], Is.EqualTo(TestData.Csv(100)));
        Assert.That(File.Exists(bed.Output.Combine(bad.ShareId, "c.csv")), Is.False, "the corrupt file is never written");
        Assert.That(File.Exists(bed.Output.Combine(bad.ShareId + ".received")), Is.False);
        var dead = (await bed.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = bed.DeadLetterQueueUrl, MaxNumberOfMessages = 10 })).Messages;
        Assert.That(dead.Single().Body, Does.Contain(bad.ShareId));
        var failures = logs.Logger.Entries.Where(e => e.Message.Contains("share queue worker", StringComparison.Ordinal) && e.Message.Contains(bad.ShareId, StringComparison.Ordinal) && e.Message.Contains("IntegrityFailed", StringComparison.Ordinal)).ToList();
        Assert.That(failures, Has.Count.EqualTo(QueueTestBed.MaxReceiveCount), "one logged integrity failure per delivery");
        Assert.That(failures[0].Message, Does.Contain("c.csv").And.Contain("dead-letter queue"));
    }

    [Test]
    public async Task Worker_DuplicateMessages_ShareHandledOnceDuplicatesDeleted()
    {
        using var bed = await QueueTestBed.CreateAsync();
        var receipt = await bed.ShareAsync("DeepLake", new Dictionary<string, byte[]> { ["x.csv"] = TestData.Csv(10) });
        var body = await TakeNotificationAsync(bed, receipt.ShareId);

        // The same notification three times, as at-least-once delivery may hand it over.
        for (var i = 0; i < 3; i++)
        {
            await bed.Sqs.SendMessageAsync(bed.QueueUrl, body);
        }

        var logs = new ListLoggerProvider();
        var handler = new RecordingShareHandler();
        using var host = bed.BuildWorker(o => o.MaxConcurrentShares = 1, handler, logs);
        await host.StartAsync();
        await QueueTestBed.WaitUntilAsync(async () => !handler.Calls.IsEmpty && await bed.CountAsync(bed.QueueUrl) == 0, TimeSpan.FromSeconds(60), "all three messages deleted");
        await host.StopAsync();

        Assert.That(handler.Calls.Select(c => c.Share.ShareId), Is.EqualTo(new[] { receipt.ShareId }));
        Assert.That(logs.Logger.Entries.Count(e => e.Message.Contains("already received and handled", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(QueueTestBed.ReadOutput(bed.Output.Path)[receipt.ShareId]["x.csv"], Is.EqualTo(TestData.Csv(10)));
        Assert.That(await bed.CountAsync(bed.DeadLetterQueueUrl), Is.Zero);
    }

    [Test]
    public async Task Worker_ProgressIntervalZero_LogsEachCompletedFileUpToTheManifestTotals()
    {
        using var bed = await QueueTestBed.CreateAsync();
        var files = new Dictionary<string, byte[]> { ["a.csv"] = TestData.Csv(40), ["b.csv"] = TestData.Csv(60), ["c/d.bin"] = TestData.Random(5000, seed: 7) };
        var receipt = await bed.ShareAsync("DeepLake", files);
        var total = files.Values.Sum(f => (long)f.Length);

        var logs = new ListLoggerProvider();
        var handler = new RecordingShareHandler();
        using var host = bed.BuildWorker(o => o.ProgressInterval = TimeSpan.Zero, handler, logs);
        await host.StartAsync();
        await QueueTestBed.WaitUntilAsync(async () => !handler.Calls.IsEmpty && await bed.CountAsync(bed.QueueUrl) == 0, TimeSpan.FromSeconds(60), "the share handled");
        await host.StopAsync();

        var progress = logs.Logger.Entries.Select(e => e.Message).Where(m => m.Contains($"share {receipt.ShareId} in progress", StringComparison.Ordinal)).ToList();
        Assert.That(progress, Has.Count.GreaterThanOrEqualTo(3), "one line per completed file at least");

        // Each line counts the files done when it was made: files received at once can end before the first of their
        // lines, so a count may repeat (1, 3, 3) but never go back.
        var done = progress.Select(m => int.Parse(System.Text.RegularExpressions.Regex.Match(m, @"in progress: (\d+) of 3 file\(s\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(done, Is.Ordered.And.All.InRange(1, 3));
        Assert.That(progress[^1], Does.Contain($"3 of 3 file(s), {total} of {total} bytes"));
        Assert.That(QueueTestBed.ReadOutput(bed.Output.Path)[receipt.ShareId], Is.EqualTo(files));
    }

    [Test]
    public async Task Worker_DefaultProgressInterval_NoProgressLineForAShareDoneWithinIt()
    {
        using var bed = await QueueTestBed.CreateAsync();
        var receipt = await bed.ShareAsync("DeepLake", new Dictionary<string, byte[]> { ["x.csv"] = TestData.Csv(10) });

        var logs = new ListLoggerProvider();
        var handler = new RecordingShareHandler();
        using var host = bed.BuildWorker(handler: handler, logs: logs);
        await host.StartAsync();
        await QueueTestBed.WaitUntilAsync(async () => !handler.Calls.IsEmpty && await bed.CountAsync(bed.QueueUrl) == 0, TimeSpan.FromSeconds(60), "the share handled");
        await host.StopAsync();

        Assert.That(logs.Logger.Entries.Select(e => e.Message), Has.Some.Contain($"share {receipt.ShareId} (message").And.None.Contain("in progress"));
    }

    [TestCase("other-bucket", "partners/BigDataRider/{0}.manifest.json.gpg", "names bucket 'other-bucket'")]
    [TestCase(null, "elsewhere/BigDataRider/{0}.manifest.json.gpg", "lies outside the prefix 'partners/'")]
    [TestCase(null, "partners/../elsewhere/{0}.manifest.json.gpg", "is not followed")]
    public async Task Worker_MessageNamingForeignBucketOrKey_RefusedNeverFollowedDeadLettered(string? bucket, string keyFormat, string reason)
    {
        using var bed = await QueueTestBed.CreateAsync();
        var receipt = await bed.ShareAsync("BigDataRider", new Dictionary<string, byte[]> { ["x.csv"] = TestData.Csv(10) });
        var real = JsonNode.Parse(await TakeNotificationAsync(bed, receipt.ShareId))!;
        var record = real["Records"]![0]!;
        record["s3"]!["bucket"]!["name"] = bucket ?? bed.Bucket;
        record["s3"]!["object"]!["key"] = Uri.EscapeDataString(string.Format(System.Globalization.CultureInfo.InvariantCulture, keyFormat, receipt.ShareId)).Replace("%2F", "/", StringComparison.Ordinal);
        await bed.Sqs.SendMessageAsync(bed.QueueUrl, real.ToJsonString());

        var logs = new ListLoggerProvider();
        var handler = new RecordingShareHandler();
        using var host = bed.BuildWorker(handler: handler, logs: logs);
        await host.StartAsync();
        await QueueTestBed.WaitUntilAsync(async () => await bed.CountAsync(bed.DeadLetterQueueUrl) == 1, TimeSpan.FromSeconds(60), "the forged message in the dead-letter queue");
        await host.StopAsync();

        Assert.That(handler.Calls, Is.Empty);
        Assert.That(Directory.GetFileSystemEntries(bed.Output.Path), Is.Empty, "nothing was received");
        Assert.That(logs.Logger.Entries.Where(e => e.Message.Contains("refused", StringComparison.Ordinal)).Select(e => e.Message), Has.Some.Contain(reason));
    }

    [Test]
    public async Task Worker_TestEventAndNonManifestKey_DeletedWithoutReceiving()
    {
        using var bed = await QueueTestBed.CreateAsync();
        await bed.Sqs.SendMessageAsync(bed.QueueUrl, new JsonObject { ["Service"] = "Amazon S3", ["Event"] = "s3:TestEvent", ["Bucket"] = bed.Bucket }.ToJsonString());
        var logs = new ListLoggerProvider();
        using var host = bed.BuildWorker(logs: logs);
        await host.StartAsync();
        await QueueTestBed.WaitUntilAsync(async () => await bed.CountAsync(bed.QueueUrl) == 0, TimeSpan.FromSeconds(30), "the test events deleted");
        await host.StopAsync();

        Assert.That(await bed.CountAsync(bed.DeadLetterQueueUrl), Is.Zero);
        Assert.That(Directory.GetFileSystemEntries(bed.Output.Path), Is.Empty);
    }

    [Test]
    public async Task Worker_S3Destination_ReuploadsVerifiedFilesUnderSseKmsThenMarker()
    {
        using var bed = await QueueTestBed.CreateAsync();
        var files = new Dictionary<string, byte[]> { ["orders.csv"] = TestData.Csv(300), ["nested/raw.bin"] = TestData.Random(20_000, seed: 3) };
        var receipt = await bed.ShareAsync("BigDataRider", files);
        var processed = await bed.Server.CreateBucketAsync();
        const string KeyArn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddS3S2Sharing(o =>
            {
                o.Bucket = bed.Bucket;
                o.Prefix = QueueTestBed.Prefix;
            })
            .AddReceiving(o => o.SecretKeys.Add(S3S2.Sharing.Encryption.OpenPgp.OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.SecretKeyArmored)))
            .AddS3Store(o =>
            {
                o.ServiceUrl = bed.Server.Endpoint;
                o.Credentials = LocalMotoServer.Credentials;
            })
            .AddShareQueueWorker(o =>
            {
                o.QueueUrl = bed.QueueUrl;
                o.ServiceUrl = bed.Server.Endpoint;
                o.Credentials = LocalMotoServer.Credentials;
                o.OutputDirectory = bed.Output.Path;
                o.WaitTime = TimeSpan.FromSeconds(1);
            })
            .AddS3ShareDestination(o =>
            {
                o.Bucket = processed;
                o.Prefix = "processed";
                o.ServerSideEncryption.KmsKeyId = KeyArn;
                o.ServiceUrl = bed.Server.Endpoint;
                o.Credentials = LocalMotoServer.Credentials;
            });
        using var host = builder.Build();
        await host.StartAsync();
        var marker = $"processed/{receipt.ShareId}.received";
        await QueueTestBed.WaitUntilAsync(async () => (await bed.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = processed })).S3Objects?.Any(o => o.Key == marker) == true, TimeSpan.FromSeconds(60), "the share re-uploaded to the processed bucket");
        await host.StopAsync();

        foreach (var (path, content) in files)
        {
            using var response = await bed.S3.GetObjectAsync(processed, $"processed/{receipt.ShareId}/{path}");
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy);
            Assert.That(copy.ToArray(), Is.EqualTo(content), path);
            Assert.That(response.ServerSideEncryptionMethod?.Value, Is.EqualTo("aws:kms"), path);
            Assert.That(response.ServerSideEncryptionKeyManagementServiceKeyId, Does.Contain("11111111-2222-3333-4444-555555555555"), path);
            Assert.That(response.Metadata["x-amz-meta-s3s2-share-id"], Is.EqualTo(receipt.ShareId));
        }
    }

    /// <summary>Takes the notification S3 sent for <paramref name="shareId"/>'s manifest off the queue (deleting it and S3's test event) and returns its body.</summary>
    private static async Task<string> TakeNotificationAsync(QueueTestBed bed, string shareId)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var messages = (await bed.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = bed.QueueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 })).Messages ?? [];
            foreach (var message in messages)
            {
                await bed.Sqs.DeleteMessageAsync(bed.QueueUrl, message.ReceiptHandle);
                if (message.Body.Contains(shareId, StringComparison.Ordinal))
                {
                    return message.Body;
                }
            }
        }

        throw new AssertionException($"No notification for share {shareId} arrived.");
    }
}
