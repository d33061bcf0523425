using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>KMS envelope shares end to end: shared through the local S3 server, received with the local KMS endpoint.</summary>
[TestFixture]
[Category("Integration")]
public sealed class KmsEnvelopeReceiveTests
{
    [Test]
    public async Task ReceiveShareAsync_KmsEnvelopeShare_WritesIdenticalBytes()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var key = LocalKmsServer.Instance.CreateKey();
        using var source = new TempDirectory();
        using var output = new TempDirectory();
        var files = new Dictionary<string, byte[]>
        {
            ["orders.csv"] = TestData.Csv(5000),
            ["sub/empty.csv"] = [],
            ["sub/blob.bin"] = TestData.Random((5 * 1024 * 1024) + 3, seed: 5),
        };
        foreach (var (path, content) in files)
        {
            source.WriteFile(path, content);
        }

        await using var provider = Provider(server, bucket, key);
        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync([source.Path]);
        var received = await provider.GetRequiredService<IReceiveClient>().ReceiveShareAsync(receipt.ShareId, output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(receipt.ManifestKey, Does.EndWith(".manifest.json.encrypted"));
        foreach (var (path, content) in files)
        {
            Assert.That(await File.ReadAllBytesAsync(Path.Combine(output.Path, receipt.ShareId, path)), Is.EqualTo(content), path);
        }
    }

    [Test]
    public async Task ReceiveShareAsync_ObjectSwappedWithAnotherFilesObject_FailsIntegrity()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var key = LocalKmsServer.Instance.CreateKey();
        using var source = new TempDirectory();
        using var output = new TempDirectory();
        source.WriteFile("a.csv", TestData.Random(4096, seed: 1));
        source.WriteFile("b.csv", TestData.Random(4096, seed: 2));
        await using var provider = Provider(server, bucket, key);
        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync([source.Path]);
        using (var s3 = server.CreateClient())
        {
            // Same size, same share, same data key: the manifest's SHA-256 of a.csv tells them apart.
            var b = await server.GetObjectBytesAsync(bucket, receipt.Files[1].Key);
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = receipt.Files[0].Key, InputStream = new MemoryStream(b), UseChunkEncoding = false });
        }

        var received = await provider.GetRequiredService<IReceiveClient>().ReceiveShareAsync(receipt.ShareId, output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(received.Files.Single(f => f.Path == "a.csv").Error, Is.Not.Null);
        Assert.That(File.Exists(Path.Combine(output.Path, receipt.ShareId, "a.csv")), Is.False);
    }

    [Test]
    public async Task ReceiveShareAsync_HostRegisteredKmsClient_BothSidesCallKmsThroughItAndItStaysUsable()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var key = LocalKmsServer.Instance.CreateKey();
        var content = TestData.Csv(200);
        using var output = new TempDirectory();
        using var kms = LocalKmsServer.Instance.CreateClient();
        var operations = new List<string>();
        kms.BeforeRequestEvent += (_, e) =>
        {
            if (e is Amazon.Runtime.WebServiceRequestEventArgs request)
            {
                lock (operations)
                {
                    operations.Add(request.Request.GetType().Name);
                }
            }
        };
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => (o.Bucket, o.Prefix) = (bucket, "partners/acme"))
            .AddKmsEnvelopeEncryption(o => o.KeyIds.Add(key))
            .AddS3Store(o =>
            {
                o.ServiceUrl = server.Endpoint;
                o.Credentials = LocalS3Server.Credentials;
            })
            .AddReceiving(o => o.AllowedKmsKeyIds.Add(key));
        services.AddSingleton<Amazon.KeyManagementService.IAmazonKeyManagementService>(kms);
        string shareId;
        await using (var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }))
        {
            shareId = (await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(content), "orders.csv")).ShareId;
            var received = await provider.GetRequiredService<IReceiveClient>().ReceiveShareAsync(shareId, output.Path);
            Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        }

        Assert.That(operations, Has.Some.EqualTo("GenerateDataKeyRequest").And.Some.EqualTo("DecryptRequest"), "the host's client served both sides");
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(output.Path, shareId, "orders.csv")), Is.EqualTo(content));
        var stillUsable = await kms.GenerateDataKeyAsync(new Amazon.KeyManagementService.Model.GenerateDataKeyRequest { KeyId = key, NumberOfBytes = 32 });
        Assert.That(stillUsable.Plaintext.Length, Is.EqualTo(32), "the library did not dispose the host's client with its provider");
    }

    private static ServiceProvider Provider(LocalS3Server server, string bucket, string key)
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = bucket;
                o.Prefix = "partners/kms";
            })
            .AddKmsEnvelopeEncryption(o =>
            {
                o.KeyIds.Add(key);
                o.ServiceUrl = LocalKmsServer.Instance.Endpoint;
                o.Credentials = LocalKmsServer.Credentials;
            })
            .AddS3Store(o =>
            {
                o.ServiceUrl = server.Endpoint;
                o.Credentials = LocalS3Server.Credentials;
                o.MultipartThreshold = 5 * 1024 * 1024;
                o.PartSize = 5 * 1024 * 1024;
            })
            .AddReceiving(o =>
            {
                o.KmsServiceUrl = LocalKmsServer.Instance.Endpoint;
                o.KmsCredentials = LocalKmsServer.Credentials;
                o.AllowedKmsKeyIds.Add(key);
            });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
