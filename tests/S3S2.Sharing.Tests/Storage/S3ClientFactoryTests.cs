using Amazon.Extensions.NETCore.Setup;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Storage;

/// <summary>
/// The host's AWS setup wins and stays the host's: the library registers no AWS client of its own in the host's container,
/// uses the host's <see cref="IAmazonS3"/> (whenever it was registered) unless its options name an endpoint, region,
/// credentials or role, and keeps its own clients private. Proven on the wire against the local S3 server.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class S3ClientFactoryTests
{
    [TestCase(true, TestName = "ShareAsync_HostAddAWSServiceBeforeLibrary_LibraryUsesTheHostsClient")]
    [TestCase(false, TestName = "ShareAsync_HostAddAWSServiceAfterLibrary_LibraryUsesTheHostsClient")]
    public async Task ShareAsync_HostAddAWSService_LibraryUsesTheHostsClient(bool hostFirst)
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var content = TestData.Csv(500);
        var services = new ServiceCollection();
        if (hostFirst)
        {
            AddHostAws(services, server);
        }

        services.AddS3S2Sharing(o =>
            {
                o.Bucket = bucket;
                o.Prefix = "partners/acme";
            })
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))
            .AddS3Store()
            .AddReceiving();
        if (!hostFirst)
        {
            AddHostAws(services, server);
        }

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var hostClient = (AmazonS3Client)provider.GetRequiredService<IAmazonS3>();
        var sent = new List<string>();
        hostClient.BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs request)
            {
                lock (sent)
                {
                    sent.Add(request.Request.GetType().Name);
                }
            }
        };

        var receipt = await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(content), "orders.csv");
        var listing = await provider.GetRequiredService<S3S2.Sharing.Receiving.IReceiveClient>().ListSharesAsync();

        Assert.That(services.Count(d => d.ServiceType == typeof(IAmazonS3)), Is.EqualTo(1), "only the host's registration");
        Assert.That(provider.GetRequiredService<IAmazonS3>(), Is.SameAs(hostClient), "the host keeps its own client");
        Assert.That(sent.Count(r => r == "PutObjectRequest"), Is.EqualTo(2), "the file and the manifest went through the host's client");
        Assert.That(sent, Has.Some.EqualTo("ListObjectsV2Request"), "the receive side reads through the host's client too");
        Assert.That(listing.Complete.Select(s => s.ShareId), Is.EqualTo(new[] { receipt.ShareId }));
        var stored = await server.GetObjectBytesAsync(bucket, receipt.Files[0].Key);
        Assert.That(TestKeys.Decrypt(stored, TestKeys.Receiver).Plaintext, Is.EqualTo(content));
    }

    [Test]
    public async Task ShareAsync_OptionsNameAnEndpoint_UseTheLibrarysOwnClientAndLeaveTheHostsUntouched()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var content = TestData.Csv(50);
        var services = new ServiceCollection();
        AddHostAws(services, server);
        services.AddS3S2Sharing(o => (o.Bucket, o.Prefix) = (bucket, "partners/acme"))
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))
            .AddS3Store(o =>
            {
                o.ServiceUrl = server.Endpoint;
                o.Credentials = LocalS3Server.Credentials;
            });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var hostClient = (AmazonS3Client)provider.GetRequiredService<IAmazonS3>();
        var hostRequests = 0;
        hostClient.BeforeRequestEvent += (_, _) => Interlocked.Increment(ref hostRequests);

        var receipt = await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(content), "a.csv");

        Assert.That(hostRequests, Is.Zero, "explicit options win over the host's client");
        Assert.That(TestKeys.Decrypt(await server.GetObjectBytesAsync(bucket, receipt.Files[0].Key), TestKeys.Receiver).Plaintext, Is.EqualTo(content));
    }

    [Test]
    public async Task AddS3S2Sharing_EveryAwsFeatureWithoutHostClients_RegistersNoAwsClientInTheHostsContainer()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => (o.Bucket, o.Prefix) = (bucket, "partners/acme"))
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))
            .AddS3Store(o =>
            {
                o.ServiceUrl = server.Endpoint;
                o.Credentials = LocalS3Server.Credentials;
            })
            .AddReceiving()
            .AddBucketAuditor(o => o.Bucket = bucket);
        services.AddS3S2Sharing("kms").AddKmsEnvelopeEncryption(o => o.KeyIds.Add("arn:aws:kms:eu-west-1:111122223333:key/k")).AddS3Store();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var receipt = await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream([1, 2, 3]), "a.bin");

        Assert.That(services.Where(d => d.ServiceType == typeof(IAmazonS3) || d.ServiceType == typeof(IAmazonKeyManagementService)), Is.Empty);
        Assert.That(provider.GetService<IAmazonS3>(), Is.Null, "the library's own client stays private");
        Assert.That(await server.ListKeysAsync(bucket), Has.Member(receipt.ManifestKey));
    }

    /// <summary>What a host does with AWSSDK.Extensions.NETCore.Setup: AWSOptions from its configuration, then AddAWSService.</summary>
    private static void AddHostAws(IServiceCollection services, LocalS3Server server)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AWS:Region"] = "us-east-1",
                ["AWS:ServiceURL"] = server.Endpoint,
            })
            .Build();
        AWSOptions aws = configuration.GetAWSOptions();
        aws.Credentials = LocalS3Server.Credentials;
        services.AddDefaultAWSOptions(aws);
        services.AddAWSService<IAmazonS3>();
    }
}
