using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using S3S2.Sharing.Queue;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Tests.Queue;

/// <summary>Received plaintext is re-uploaded only under SSE-KMS with a key the receiver chose: the settings cannot lower that.</summary>
[TestFixture]
public sealed class S3ShareDestinationSharingBuilderExtensionsTests
{
    private const string KeyArn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";

    [Test]
    public void AddS3ShareDestination_NoKmsKey_RefusedNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(o => o.Bucket = "awesomeai-processed"));

        Assert.That(error!.Failures, Is.EqualTo(new[]
        {
            "S3S2 S3 share destination 'default': no KMS key is configured. Set ServerSideEncryption.KmsKeyId to the receiver's KMS key ARN: received plaintext is stored only under SSE-KMS with a key you chose.",
        }));
    }

    [TestCase(ServerSideEncryptionMethod.S3Managed, true, "ServerSideEncryption is S3Managed.")]
    [TestCase(ServerSideEncryptionMethod.Kms, false, "ServerSideEncryption is Kms, not required.")]
    public void AddS3ShareDestination_ServerSideEncryptionLowered_Refused(ServerSideEncryptionMethod method, bool required, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(o =>
        {
            o.Bucket = "awesomeai-processed";
            o.ServerSideEncryption.Method = method;
            o.ServerSideEncryption.Required = required;
        }));

        Assert.That(error!.Failures, Has.Exactly(1).Contains(expected).And.Contains("leave ServerSideEncryption.Method = Kms and Required = true"));
    }

    [Test]
    public void AddS3ShareDestination_KeyGiven_DefaultsAreSseKmsRequired()
    {
        var options = Options(o =>
        {
            o.Bucket = "awesomeai-processed";
            o.ServerSideEncryption.KmsKeyId = KeyArn;
        });

        Assert.That((options.ServerSideEncryption.Method, options.ServerSideEncryption.Required, options.ServerSideEncryption.KmsKeyId), Is.EqualTo((ServerSideEncryptionMethod.Kms, true, KeyArn)));
    }

    [Test]
    public void AddS3ShareDestination_TwoNamedClients_EachWorkerGetsItsOwnDestinationAndTheHostWideHandlers()
    {
        var services = new ServiceCollection();
        var everyWorker = new Mock<IReceivedShareHandler>().Object;
        services.AddSingleton(everyWorker);
        foreach (var name in new[] { "acme", "globex" })
        {
            services.AddS3S2Sharing(name, o => o.Bucket = name + "-inbox").AddReceiving().AddS3ShareDestination(o =>
            {
                o.Bucket = name + "-processed";
                o.Region = "eu-west-1";
                o.ServerSideEncryption.KmsKeyId = KeyArn;
            });
        }

        using var provider = services.BuildServiceProvider();
        var acme = ShareQueueWorker.HandlersFor(provider, "acme");
        var globex = ShareQueueWorker.HandlersFor(provider, "globex");

        // Before, the destinations were plain singletons: every worker called both, copying acme's plaintext to globex's bucket.
        Assert.That(acme, Has.Count.EqualTo(2));
        Assert.That(acme[0], Is.SameAs(everyWorker));
        Assert.That(((S3ShareDestination)acme[1]).Bucket, Is.EqualTo("acme-processed"));
        Assert.That(globex, Has.Count.EqualTo(2));
        Assert.That(globex[0], Is.SameAs(everyWorker));
        Assert.That(((S3ShareDestination)globex[1]).Bucket, Is.EqualTo("globex-processed"));
    }

    private static S3ShareDestinationOptions Options(Action<S3ShareDestinationOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Bucket = "awesomeai-inbox").AddReceiving().AddS3ShareDestination(configure);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<S3ShareDestinationOptions>>().Get(ShareClientOptions.DefaultName);
    }
}
