using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests.Profiles;

[TestFixture]
public sealed class ProfileSharingBuilderExtensionsTests
{
    [Test]
    public void UseProfile_SetsBucketPrefixRegionAndPinnedKeys()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing().UseProfile(new MemoryStream(ShareProfileSerializerTests.Serialize(ShareProfileSerializerTests.Valid())));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var client = provider.GetRequiredService<IOptionsMonitor<ShareClientOptions>>().Get(ShareClientOptions.DefaultName);
        var openPgp = provider.GetRequiredService<IOptionsMonitor<OpenPgpEncryptionOptions>>().Get(ShareClientOptions.DefaultName);
        var s3 = provider.GetRequiredService<IOptionsMonitor<S3StoreOptions>>().Get(ShareClientOptions.DefaultName);

        Assert.That((client.Bucket, client.Prefix, s3.Region), Is.EqualTo(("awesomeai-inbox", "partners/bigdatarider", "eu-west-1")));
        Assert.That(openPgp.PinnedFingerprints, Is.EqualTo(new[] { TestKeys.Receiver.Fingerprint }));
        Assert.DoesNotThrow(() => provider.GetRequiredService<IShareClient>(), "the whole configuration validates and the client builds");
    }

    [Test]
    public void UseProfile_OldFormatRequiredSseKey_NoSettingLiftsIt()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(ShareProfileSerializerTests.Serialize(ShareProfileSerializerTests.Valid()))!;
        json["requiredSseKmsKeyId"] = ShareProfileSerializerTests.SseKey;
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o =>
            {
                o.ServerSideEncryption.Method = ServerSideEncryptionMethod.S3Managed;
                o.ServerSideEncryption.Required = false;
            })
            .UseProfile(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString())));
        services.Configure<ShareClientOptions>(o => o.ServerSideEncryption.KmsKeyId = "arn:aws:kms:eu-west-1:111122223333:key/other");
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var sse = provider.GetRequiredService<IOptionsMonitor<ShareClientOptions>>().Get(ShareClientOptions.DefaultName).ServerSideEncryption;

        Assert.That((sse.Method, sse.KmsKeyId, sse.Required, sse.AllowedKmsKeyIds), Is.EqualTo((ServerSideEncryptionMethod.Kms, ShareProfileSerializerTests.SseKey, true, new[] { ShareProfileSerializerTests.SseKey })));
    }

    [Test]
    public async Task AddS3S2Sharing_ConfigurationWithProfile_EnvironmentOverridesPrefixButNotThePins()
    {
        using var work = new TempDirectory();
        var profile = work.WriteFile("profile.json", ShareProfileSerializerTests.Serialize(ShareProfileSerializerTests.Valid()));
        var variable = "S3S2TEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(variable + "S3S2__Prefix", "partners/from-environment");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["S3S2:Profile"] = profile,
                    ["S3S2:Prefix"] = "partners/from-appsettings",
                    ["S3S2:LocalFolder"] = work.Combine("store"),
                    ["S3S2:SenderName"] = "BigDataRider ETL",
                })
                .AddEnvironmentVariables(variable)
                .Build();
            var services = new ServiceCollection();
            services.AddS3S2Sharing(configuration.GetSection("S3S2"));
            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

            var receipt = await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream([1, 2, 3]), "x.csv");

            Assert.That(receipt.Files[0].Key, Does.StartWith("partners/from-environment/"));
            var stored = await File.ReadAllBytesAsync(work.Combine("store", receipt.Files[0].Key));
            Assert.That(TestKeys.Decrypt(stored, TestKeys.Receiver).Plaintext, Is.EqualTo(new byte[] { 1, 2, 3 }));
            var pins = provider.GetRequiredService<IOptionsMonitor<OpenPgpEncryptionOptions>>().Get(ShareClientOptions.DefaultName).PinnedFingerprints;
            Assert.That(pins, Is.EqualTo(new[] { TestKeys.Receiver.Fingerprint }));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable + "S3S2__Prefix", null);
        }
    }

    [Test]
    public void AddS3S2Sharing_ConfigurationWithoutProfile_BindsEveryStrategy()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bucket"] = "inbox",
            ["Prefix"] = "partners/acme",
            ["OpenPgp:RecipientKeyFiles:0"] = key,
            ["OpenPgp:PinnedFingerprints:0"] = TestKeys.Receiver.Fingerprint,
            ["OpenPgp:Compression"] = "none",
            ["S3:Region"] = "eu-central-1",
            ["S3:PartSize"] = "6291456",
        }).Build();
        var services = new ServiceCollection();
        services.AddS3S2Sharing(configuration);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var openPgp = provider.GetRequiredService<IOptionsMonitor<OpenPgpEncryptionOptions>>().Get(ShareClientOptions.DefaultName);
        var s3 = provider.GetRequiredService<IOptionsMonitor<S3StoreOptions>>().Get(ShareClientOptions.DefaultName);

        Assert.That((openPgp.RecipientKeys.Single().Description, openPgp.Compression), Is.EqualTo(($"key file '{key}' (OpenPgp:RecipientKeyFiles:0)", OpenPgpCompression.None)));
        Assert.That((s3.Region, s3.PartSize), Is.EqualTo(("eu-central-1", 6291456)));
        Assert.DoesNotThrow(() => provider.GetRequiredService<IShareClient>(), "the whole configuration validates and the client builds");
    }
}
