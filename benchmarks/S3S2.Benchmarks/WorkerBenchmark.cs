using System.Diagnostics;
using System.Globalization;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using S3S2.Sharing;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Queue;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Benchmarks;

/// <summary>
/// Shares per second received by 1, 2 and 4 queue workers (each its own host, one share at a time) on moto: the
/// bucket's real notification fills a real SQS queue, then the same notifications are queued again for every round so
/// each round receives the same shares into a fresh folder. The ratio is against 1 worker in the same run.
/// </summary>
internal static class WorkerBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var shares = Option(args, "--shares", 60);
        var filesPerShare = Option(args, "--files", 4);
        var fileKib = Option(args, "--file-kib", 256);
        var receiver = OpenPgpKeyGenerator.Generate("AwesomeAI <receiver@awesomeai.test>");
        var server = LocalMotoServer.Instance;
        try
        {
            using var s3 = server.CreateS3Client();
            using var sqs = new AmazonSQSClient(LocalMotoServer.Credentials, new AmazonSQSConfig { ServiceURL = server.Endpoint, AuthenticationRegion = LocalMotoServer.Region });
            var bucket = await server.CreateBucketAsync();
            var queue = (await sqs.CreateQueueAsync("s3s2-bench-" + Guid.NewGuid().ToString("N")[..8])).QueueUrl;
            var queueArn = (await sqs.GetQueueAttributesAsync(queue, ["QueueArn"])).Attributes["QueueArn"];
            await s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
            {
                BucketName = bucket,
                QueueConfigurations = [new QueueConfiguration { Queue = queueArn, Events = [Amazon.S3.EventType.ObjectCreatedAll], Filter = new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("suffix", ".manifest.json.gpg")] } } }],
            });

            Console.WriteLine($"Sharing {shares} shares of {filesPerShare} x {fileKib} KiB from 3 partners to moto at {server.Endpoint} ...");
            var source = Directory.CreateTempSubdirectory("s3s2-bench-src-");
            for (var f = 0; f < filesPerShare; f++)
            {
                var bytes = new byte[fileKib * 1024];
                new Random(f).NextBytes(bytes);
                await File.WriteAllBytesAsync(Path.Combine(source.FullName, $"part-{f}.bin"), bytes);
            }

            for (var i = 0; i < shares; i++)
            {
                await ShareAsync(server, bucket, $"partners/partner{i % 3}", receiver, source.FullName);
            }

            source.Delete(recursive: true);
            var bodies = await DrainAsync(sqs, queue, shares);
            Console.WriteLine($"{bodies.Count} notifications captured. Each round queues them again and receives into a fresh folder.");
            Console.WriteLine();
            Console.WriteLine("workers  seconds  shares/s  MiB/s  vs 1 worker");
            double? baseline = null;
            foreach (var workers in new[] { 1, 2, 4 })
            {
                foreach (var batch in bodies.Chunk(10))
                {
                    await sqs.SendMessageBatchAsync(queue, [.. batch.Select((b, n) => new SendMessageBatchRequestEntry(n.ToString(CultureInfo.InvariantCulture), b))]);
                }

                var output = Directory.CreateTempSubdirectory("s3s2-bench-out-");
                var counter = new CountingHandler();
                var hosts = Enumerable.Range(0, workers).Select(_ => BuildWorker(server, bucket, queue, receiver, output.FullName, counter)).ToList();
                var watch = Stopwatch.StartNew();
                await Task.WhenAll(hosts.Select(h => h.StartAsync()));
                while (counter.Count < shares)
                {
                    await Task.Delay(20);
                }

                var seconds = watch.Elapsed.TotalSeconds;
                await Task.WhenAll(hosts.Select(h => h.StopAsync()));
                hosts.ForEach(h => h.Dispose());
                output.Delete(recursive: true);
                var rate = shares / seconds;
                baseline ??= rate;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workers,7}  {seconds,7:F2}  {rate,8:F1}  {rate * filesPerShare * fileKib / 1024,5:F1}  {rate / baseline.Value,9:F2}x"));
            }

            return 0;
        }
        finally
        {
            LocalMotoServer.StopIfStarted();
        }
    }

    private static async Task ShareAsync(LocalMotoServer server, string bucket, string prefix, OpenPgpGeneratedKey receiver, string folder)
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = bucket;
                o.Prefix = prefix;
            })
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(receiver.PublicKeyArmored));
                o.PinnedFingerprints.Add(receiver.Fingerprint);
            })
            .AddS3Store(o =>
            {
                o.ServiceUrl = server.Endpoint;
                o.Credentials = LocalMotoServer.Credentials;
            });
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IShareClient>().ShareAsync([folder]);
    }

    /// <summary>Takes every share notification off the queue (S3's test event is dropped) and returns the bodies.</summary>
    private static async Task<List<string>> DrainAsync(AmazonSQSClient sqs, string queue, int expected)
    {
        var bodies = new List<string>();
        var idle = 0;
        while (bodies.Count < expected && idle < 10)
        {
            var messages = (await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 })).Messages ?? [];
            idle = messages.Count == 0 ? idle + 1 : 0;
            foreach (var message in messages)
            {
                await sqs.DeleteMessageAsync(queue, message.ReceiptHandle);
                if (!message.Body.Contains("s3:TestEvent", StringComparison.Ordinal))
                {
                    bodies.Add(message.Body);
                }
            }
        }

        return bodies.Count == expected ? bodies : throw new InvalidOperationException($"Only {bodies.Count} of {expected} notifications arrived.");
    }

    private static IHost BuildWorker(LocalMotoServer server, string bucket, string queue, OpenPgpGeneratedKey receiver, string output, CountingHandler counter)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IReceivedShareHandler>(counter);
        builder.Services.AddS3S2Sharing(o =>
            {
                o.Bucket = bucket;
                o.Prefix = "partners";
            })
            .AddReceiving(o => o.SecretKeys.Add(OpenPgpKeySource.FromArmoredString(receiver.SecretKeyArmored)))
            .AddS3Store(o =>
            {
                o.ServiceUrl = server.Endpoint;
                o.Credentials = LocalMotoServer.Credentials;
            })
            .AddShareQueueWorker(o =>
            {
                o.QueueUrl = queue;
                o.ServiceUrl = server.Endpoint;
                o.Credentials = LocalMotoServer.Credentials;
                o.OutputDirectory = output;
                o.MaxConcurrentShares = 1;
                o.WaitTime = TimeSpan.FromSeconds(1);
            });
        return builder.Build();
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed class CountingHandler : IReceivedShareHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task HandleAsync(VerifiedShare share, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }
    }
}
