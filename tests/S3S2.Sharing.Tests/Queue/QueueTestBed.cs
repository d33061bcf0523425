using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Audit.Generation;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Queue;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Queue;

/// <summary>
/// A real bucket on moto with a real event notification (new manifests under <c>partners/</c>, by suffix) to a real SQS
/// queue whose redrive policy moves a message to a dead-letter queue after <see cref="MaxReceiveCount"/> deliveries;
/// partners share into it with the library, and workers receive from the queue.
/// </summary>
internal sealed class QueueTestBed : IDisposable
{
    public const string Prefix = "partners";
    public const int MaxReceiveCount = 2;

    private QueueTestBed(LocalMotoServer server, string bucket, string queueUrl, string deadLetterQueueUrl, AmazonS3Client s3, AmazonSQSClient sqs)
    {
        Server = server;
        Bucket = bucket;
        QueueUrl = queueUrl;
        DeadLetterQueueUrl = deadLetterQueueUrl;
        S3 = s3;
        Sqs = sqs;
    }

    public LocalMotoServer Server { get; }

    public string Bucket { get; }

    public string QueueUrl { get; }

    public string DeadLetterQueueUrl { get; }

    public AmazonS3Client S3 { get; }

    public AmazonSQSClient Sqs { get; }

    public TempDirectory Output { get; } = new();

    public static AmazonSQSClient CreateSqsClient(LocalMotoServer server) =>
        new(LocalMotoServer.Credentials, new AmazonSQSConfig { ServiceURL = server.Endpoint, AuthenticationRegion = LocalMotoServer.Region });

    /// <summary>
    /// Creates the bucket, the queues and the notification; <paramref name="visibilitySeconds"/> is the queue's default
    /// visibility timeout, <paramref name="maxReceiveCount"/> the deliveries before the dead-letter queue.
    /// </summary>
    public static async Task<QueueTestBed> CreateAsync(int visibilitySeconds = 30, int maxReceiveCount = MaxReceiveCount)
    {
        var server = LocalMotoServer.Instance;
        var bucket = await server.CreateBucketAsync();
        var s3 = server.CreateS3Client();
        var sqs = CreateSqsClient(server);
        var name = "s3s2-" + Guid.NewGuid().ToString("N")[..10];
        var dlq = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name + "-dlq" })).QueueUrl;
        var dlqArn = (await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = dlq, AttributeNames = ["QueueArn"] })).Attributes["QueueArn"];
        var queue = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = name,
            Attributes = new Dictionary<string, string>
            {
                ["VisibilityTimeout"] = visibilitySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["RedrivePolicy"] = new JsonObject { ["deadLetterTargetArn"] = dlqArn, ["maxReceiveCount"] = maxReceiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture) }.ToJsonString(),
            },
        })).QueueUrl;
        var queueArn = (await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queue, AttributeNames = ["QueueArn"] })).Attributes["QueueArn"];

        // The configuration s3s2 policy --queue-arn prints, applied as the receiver would apply it.
        var options = new BucketPolicyOptions { Bucket = bucket, PrefixRoot = Prefix, NotificationQueueArn = queueArn };
        options.Partners["BigDataRider"] = "arn:aws:iam::111122223333:role/BigDataRider";
        var generated = BucketPolicyGenerator.Generate(options);
        await sqs.SetQueueAttributesAsync(queue, new Dictionary<string, string> { ["Policy"] = generated.QueuePolicy! });
        await s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            QueueConfigurations = JsonNode.Parse(generated.NotificationConfiguration!)!["QueueConfigurations"]!.AsArray().Select(rule => new QueueConfiguration
            {
                Id = rule!["Id"]!.GetValue<string>(),
                Queue = rule["QueueArn"]!.GetValue<string>(),
                Events = [.. rule["Events"]!.AsArray().Select(e => new EventType(e!.GetValue<string>()))],
                Filter = new Filter
                {
                    S3KeyFilter = new S3KeyFilter
                    {
                        FilterRules = [.. rule["Filter"]!["Key"]!["FilterRules"]!.AsArray().Select(f => new FilterRule(f!["Name"]!.GetValue<string>(), f["Value"]!.GetValue<string>()))],
                    },
                },
            }).ToList(),
        });
        return new QueueTestBed(server, bucket, queue, dlq, s3, sqs);
    }

    /// <summary>Shares <paramref name="files"/> as partner <paramref name="partner"/> (prefix partners/&lt;partner&gt;) with the library.</summary>
    public async Task<ShareReceipt> ShareAsync(string partner, IReadOnlyDictionary<string, byte[]> files)
    {
        using var source = new TempDirectory();
        foreach (var (path, content) in files)
        {
            source.WriteFile(path, content);
        }

        var services = new ServiceCollection();
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = Bucket;
                o.Prefix = $"{Prefix}/{partner}";
                o.SenderName = partner;
            })
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored));
                o.PinnedFingerprints.Add(TestKeys.Receiver.Fingerprint);
            })
            .AddS3Store(o =>
            {
                o.ServiceUrl = Server.Endpoint;
                o.Credentials = LocalMotoServer.Credentials;
            });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return await provider.GetRequiredService<IShareClient>().ShareAsync([source.Path]);
    }

    /// <summary>A worker host for this bed: the receiver's key, the bucket under <see cref="Prefix"/>, the queue.</summary>
    public IHost BuildWorker(Action<ShareQueueWorkerOptions>? configure = null, IReceivedShareHandler? handler = null, ILoggerProvider? logs = null, string? output = null, Action<ReceiveClientOptions>? receiving = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging(logging =>
        {
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        if (handler is not null)
        {
            builder.Services.AddSingleton(handler);
        }

        builder.Services.AddS3S2Sharing(o =>
            {
                o.Bucket = Bucket;
                o.Prefix = Prefix;
            })
            .AddReceiving(o =>
            {
                o.SecretKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.SecretKeyArmored));
                receiving?.Invoke(o);
            })
            .AddS3Store(o =>
            {
                o.ServiceUrl = Server.Endpoint;
                o.Credentials = LocalMotoServer.Credentials;
            })
            .AddShareQueueWorker(o =>
            {
                o.QueueUrl = QueueUrl;
                o.ServiceUrl = Server.Endpoint;
                o.Credentials = LocalMotoServer.Credentials;
                o.OutputDirectory = output ?? Output.Path;
                o.MaxConcurrentShares = 3;
                o.WaitTime = TimeSpan.FromSeconds(1);
                o.RetryDelay = TimeSpan.Zero;
                o.VisibilityTimeout = TimeSpan.FromSeconds(30);
                configure?.Invoke(o);
            });
        return builder.Build();
    }

    /// <summary>How many messages the queue holds, visible or in flight (moto counts both exactly).</summary>
    public async Task<int> CountAsync(string queueUrl)
    {
        var attributes = (await Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = queueUrl,
            AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        })).Attributes;
        return int.Parse(attributes["ApproximateNumberOfMessages"], System.Globalization.CultureInfo.InvariantCulture)
            + int.Parse(attributes["ApproximateNumberOfMessagesNotVisible"], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test with <paramref name="what"/> after <paramref name="within"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within, string what, Func<string>? detail = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {within.TotalSeconds:F0} s waiting for: {what}{(detail is null ? string.Empty : Environment.NewLine + detail())}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The bytes of every file of every share under the output folder, by share id and relative path.</summary>
    public static Dictionary<string, Dictionary<string, byte[]>> ReadOutput(string output) =>
        Directory.GetDirectories(output).ToDictionary(
            d => Path.GetFileName(d),
            d => Directory.GetFiles(d, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).StartsWith('.'))
                .ToDictionary(f => Path.GetRelativePath(d, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes));

    public void Dispose()
    {
        Output.Dispose();
        S3.Dispose();
        Sqs.Dispose();
    }
}
