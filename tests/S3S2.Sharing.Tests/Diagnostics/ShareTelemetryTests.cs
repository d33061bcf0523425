using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Diagnostics;

/// <summary>
/// What an OpenTelemetry host sees (it listens by the names "S3S2.Sharing"): spans and measurements recorded by real
/// shares and receives against the local S3 server, read back with the runtime's own ActivityListener and MeterListener.
/// Each test uses a client name of its own and keeps only what carries it, so other tests' telemetry cannot leak in.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ShareTelemetryTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _activities = new();
    private ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private ActivityListener? _activityListener;
    private MeterListener? _meterListener;
    private string _client = string.Empty;

    [SetUp]
    public void Listen()
    {
        _client = "telemetry-" + Guid.NewGuid().ToString("N")[..8];
        _activities.Clear();
        // Each test's listener records into a queue of its own: on .NET 8 a disposed MeterListener still received the
        // measurements of later tests (each test saw one copy per earlier test), so a shared queue would count those too.
        var (client, measurements) = (_client, new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>());
        _measurements = measurements;
        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "S3S2.Sharing",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("s3s2.client"), _client))
                {
                    _activities.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_activityListener);
        _meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "S3S2.Sharing")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(measurements, client, instrument, value, tags));
        _meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(measurements, client, instrument, value, tags));
        _meterListener.Start();
    }

    public void Dispose() => StopListening();

    [TearDown]
    public void StopListening()
    {
        _activityListener?.Dispose();
        _meterListener?.Dispose();
        _activityListener = null;
        _meterListener = null;
    }

    [Test]
    public async Task ShareAsync_TwoFiles_ShareSpanWithAFileSpanEachAndCountsFilesBytesAndTheShare()
    {
        var (server, bucket) = (LocalS3Server.Instance, await LocalS3Server.Instance.CreateBucketAsync());
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", TestData.Csv(400));
        source.WriteFile("regions/eu.csv", TestData.Csv(20));
        var total = new FileInfo(source.Combine("orders.csv")).Length + new FileInfo(source.Combine("regions", "eu.csv")).Length;
        await using var provider = Provider(server, bucket);

        var receipt = await provider.GetRequiredService<IShareClientFactory>().CreateClient(_client).ShareAsync([source.Path]);

        var share = _activities.Single(a => a.OperationName == "s3s2.share.send");
        Assert.That(share.Status, Is.EqualTo(ActivityStatusCode.Unset));
        Assert.That(share.GetTagItem("s3s2.share.id"), Is.EqualTo(receipt.ShareId));
        Assert.That((share.GetTagItem("s3s2.file.count"), share.GetTagItem("s3s2.bytes"), share.GetTagItem("s3s2.outcome")), Is.EqualTo(((object)2, (object)total, (object)"sent")));
        var files = _activities.Where(a => a.OperationName == "s3s2.file.send").ToList();
        Assert.That(files.Select(f => f.ParentSpanId), Is.All.EqualTo(share.SpanId), "file spans are children of their share's span");
        Assert.That(files.Select(f => f.GetTagItem("s3s2.object.key")), Is.EquivalentTo(receipt.Files.Select(f => f.Key)));
        Assert.That(files.Select(f => f.GetTagItem("s3s2.bytes")), Is.EquivalentTo(receipt.Files.Select(f => (object)f.Size)));
        Assert.That(Sum("s3s2.files", "send"), Is.EqualTo(2));
        Assert.That(Sum("s3s2.bytes", "send"), Is.EqualTo(total));
        Assert.That(Measurements("s3s2.shares", "send").Single().Tags["s3s2.outcome"], Is.EqualTo("sent"));
        Assert.That(Measurements("s3s2.share.duration", "send").Single().Value, Is.GreaterThan(0).And.LessThan(600));
        Assert.That(Measurements("s3s2.failures", "send"), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_SharedShare_ReceiveSpansAndCountsMatchTheManifest()
    {
        var (server, bucket) = (LocalS3Server.Instance, await LocalS3Server.Instance.CreateBucketAsync());
        var content = TestData.Csv(300);
        await using var provider = Provider(server, bucket);
        var receipt = await provider.GetRequiredService<IShareClientFactory>().CreateClient(_client).ShareStreamAsync(new MemoryStream(content), "in/orders.csv");
        using var output = new TempDirectory();

        var received = await provider.GetRequiredService<IReceiveClientFactory>().CreateClient(_client).ReceiveShareAsync(receipt.ShareId, output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received));
        var share = _activities.Single(a => a.OperationName == "s3s2.share.receive");
        Assert.That((share.GetTagItem("s3s2.share.id"), share.GetTagItem("s3s2.outcome"), share.GetTagItem("s3s2.file.count")), Is.EqualTo(((object)receipt.ShareId, (object)"received", (object)1)));
        var file = _activities.Single(a => a.OperationName == "s3s2.file.receive");
        Assert.That(file.ParentSpanId, Is.EqualTo(share.SpanId));
        Assert.That((file.GetTagItem("s3s2.object.key"), file.GetTagItem("s3s2.bytes")), Is.EqualTo(((object)receipt.Files[0].Key, (object)(long)content.Length)));
        Assert.That(Sum("s3s2.files", "receive"), Is.EqualTo(1));
        Assert.That(Sum("s3s2.bytes", "receive"), Is.EqualTo(content.Length));
        Assert.That(Measurements("s3s2.shares", "receive").Single().Tags["s3s2.outcome"], Is.EqualTo("received"));
        Assert.That(Measurements("s3s2.share.duration", "receive"), Has.Count.EqualTo(1));
        Assert.That(await File.ReadAllBytesAsync(output.Combine(receipt.ShareId, "in", "orders.csv")), Is.EqualTo(content));
    }

    [Test]
    public async Task ReceiveShareAsync_ObjectChangedAtRest_FileAndShareSpansFailAndFailuresAreCounted()
    {
        var (server, bucket) = (LocalS3Server.Instance, await LocalS3Server.Instance.CreateBucketAsync());
        await using var provider = Provider(server, bucket);
        var receipt = await provider.GetRequiredService<IShareClientFactory>().CreateClient(_client).ShareStreamAsync(new MemoryStream(TestData.Csv(300)), "orders.csv");
        if (server.DataDirectory is null)
        {
            Assert.Ignore("The S3 server is external; its files cannot be changed.");
        }

        var stored = Path.Combine(server.DataDirectory!, bucket, receipt.Files[0].Key + "._S3rver_object");
        var bytes = await File.ReadAllBytesAsync(stored);
        bytes[bytes.Length / 2] ^= 0x20;
        await File.WriteAllBytesAsync(stored, bytes);
        using var output = new TempDirectory();

        var received = await provider.GetRequiredService<IReceiveClientFactory>().CreateClient(_client).ReceiveShareAsync(receipt.ShareId, output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        var file = _activities.Single(a => a.OperationName == "s3s2.file.receive");
        var share = _activities.Single(a => a.OperationName == "s3s2.share.receive");
        Assert.That((file.Status, file.GetTagItem("error.type")), Is.EqualTo((ActivityStatusCode.Error, (object)"integrity_failed")));
        Assert.That((share.Status, share.GetTagItem("s3s2.outcome")), Is.EqualTo((ActivityStatusCode.Error, (object)"integrity_failed")));
        Assert.That(
            Measurements("s3s2.failures", "receive").Select(m => (m.Tags["s3s2.scope"], m.Tags["error.type"])),
            Is.EquivalentTo(new[] { ((object?)"file", (object?)"integrity_failed"), ("share", "integrity_failed") }));
        Assert.That(Sum("s3s2.files", "receive"), Is.Zero, "a file that failed its check is not counted as received");
    }

    [Test]
    public async Task ShareAsync_BucketMissing_ShareSpanFailsWithTheErrorTypeAndTheFailureIsCounted()
    {
        var server = LocalS3Server.Instance;
        await using var provider = Provider(server, "s3s2-missing-" + Guid.NewGuid().ToString("N")[..8]);

        var error = await Assert.ThrowsAsync<ShareFailedException>(() => provider.GetRequiredService<IShareClientFactory>().CreateClient(_client).ShareStreamAsync(new MemoryStream([1, 2, 3]), "a.csv"));

        var share = _activities.Single(a => a.OperationName == "s3s2.share.send");
        Assert.That(share.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(share.GetTagItem("error.type"), Is.EqualTo(error!.InnerException!.GetType().FullName));
        Assert.That(_activities.Single(a => a.OperationName == "s3s2.file.send").Status, Is.EqualTo(ActivityStatusCode.Error));
        var failure = Measurements("s3s2.failures", "send").Single();
        Assert.That((failure.Value, failure.Tags["s3s2.scope"], failure.Tags["error.type"]), Is.EqualTo((1d, (object?)"share", (object?)error.InnerException.GetType().FullName)));
        Assert.That(Measurements("s3s2.shares", "send").Single().Tags["s3s2.outcome"], Is.EqualTo("failed"));
        Assert.That(Sum("s3s2.files", "send"), Is.Zero);
    }

    private ServiceProvider Provider(LocalS3Server server, string bucket)
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(_client, o =>
            {
                o.Bucket = bucket;
                o.Prefix = "partners/acme";
            })
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))
            .AddS3Store(o =>
            {
                o.ServiceUrl = server.Endpoint;
                o.Credentials = LocalS3Server.Credentials;
            })
            .AddReceiving(o => o.SecretKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.SecretKeyArmored)));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private static void Record(ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> measurements, string client, Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue;
        }

        if (Equals(copy.GetValueOrDefault("s3s2.client"), client))
        {
            measurements.Enqueue((instrument.Name, value, copy));
        }
    }

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurements(string instrument, string direction) =>
        _measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault("s3s2.direction"), direction)).ToList();

    private double Sum(string instrument, string direction) => Measurements(instrument, direction).Sum(m => m.Value);
}
