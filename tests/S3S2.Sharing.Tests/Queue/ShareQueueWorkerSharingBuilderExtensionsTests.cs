using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Queue;

namespace S3S2.Sharing.Tests.Queue;

[TestFixture]
public sealed class ShareQueueWorkerSharingBuilderExtensionsTests
{
    [Test]
    public void AddShareQueueWorker_CalledTwice_OneHostedWorker()
    {
        var services = new ServiceCollection();
        var builder = services.AddS3S2Sharing(o => o.Bucket = "awesomeai-inbox").AddReceiving();
        builder.AddShareQueueWorker(o => o.QueueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/q");
        builder.AddShareQueueWorker(o => o.OutputDirectory = "inbox");
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.That(provider.GetServices<IHostedService>().Count(), Is.EqualTo(1));
        var options = provider.GetRequiredService<IOptionsMonitor<ShareQueueWorkerOptions>>().Get(ShareClientOptions.DefaultName);
        Assert.That((options.QueueUrl, options.OutputDirectory), Is.EqualTo(("https://sqs.eu-west-1.amazonaws.com/123456789012/q", "inbox")));
    }

    [Test]
    public void AddShareQueueWorker_InvalidOptions_EveryProblemListedAtOnce()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Bucket = "awesomeai-inbox").AddReceiving().AddShareQueueWorker(o =>
        {
            o.QueueUrl = "sqs-queue";
            o.MaxConcurrentShares = 0;
            o.VisibilityTimeout = TimeSpan.FromMilliseconds(1500);
            o.WaitTime = TimeSpan.FromSeconds(30);
            o.ProgressInterval = TimeSpan.FromHours(2);
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<ShareQueueWorkerOptions>>().Get(ShareClientOptions.DefaultName))!;

        Assert.That(error.Failures, Has.Count.EqualTo(6));
        Assert.That(error.Failures, Has.Some.Contains("queue URL 'sqs-queue' is not an http(s) URL"));
        Assert.That(error.Failures, Has.Some.Contains("no output folder is configured").And.Contains("--out"));
        Assert.That(error.Failures, Has.Some.Contains("MaxConcurrentShares 0 must be between 1 and 256"));
        Assert.That(error.Failures, Has.Some.Contains("VisibilityTimeout 00:00:01.5000000 must be whole seconds"));
        Assert.That(error.Failures, Has.Some.Contains("WaitTime 00:00:30 must be whole seconds between 00:00:00 and 00:00:20"));
        Assert.That(error.Failures, Has.Some.Contains("ProgressInterval 02:00:00 must be between 0 and 1 hour, or null for no progress lines"));
    }

    [Test]
    public void AddShareQueueWorker_FromConfiguration_BindsOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["QueueUrl"] = "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
            ["OutputDirectory"] = "inbox",
            ["MaxConcurrentShares"] = "8",
            ["VisibilityTimeout"] = "00:05:00",
            ["DeleteAfterReceive"] = "true",
            ["ProgressInterval"] = "00:01:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Bucket = "awesomeai-inbox").AddReceiving().AddShareQueueWorker(configuration);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<ShareQueueWorkerOptions>>().Get(ShareClientOptions.DefaultName);

        Assert.That((options.MaxConcurrentShares, options.VisibilityTimeout, options.DeleteAfterReceive, options.ProgressInterval), Is.EqualTo((8, TimeSpan.FromMinutes(5), true, (TimeSpan?)TimeSpan.FromMinutes(1))));
    }

    [Test]
    public async Task StartAsync_ClientWithoutBucket_FailsNamingTheFix()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddReceiving().AddLocalFolderStore("store").AddShareQueueWorker(o =>
        {
            o.QueueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/q";
            o.OutputDirectory = "inbox";
        });
        await using var provider = services.BuildServiceProvider();
        var worker = provider.GetServices<IHostedService>().Single();

        var error = (await Assert.ThrowsAsync<InvalidOperationException>(() => worker.StartAsync(CancellationToken.None)))!;

        Assert.That(error.Message, Does.Contain("the client has no bucket").And.Contain("--bucket"));
    }
}
