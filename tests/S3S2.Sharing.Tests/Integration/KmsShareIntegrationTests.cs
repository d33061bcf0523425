using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Tests.Encryption.Kms;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Integration;

/// <summary>KMS envelope shares through the real S3 and KMS SDK clients to the local S3 server and KMS endpoint.</summary>
[TestFixture]
[Category("Integration")]
public sealed class KmsShareIntegrationTests
{
    private const int Threshold = 5 * 1024 * 1024;

    [Test]
    public async Task ShareAsync_KmsEnvelopeToS3_ObjectsAndManifestDecryptToIdenticalBytes()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var (first, second) = (LocalKmsServer.Instance.CreateKey(), LocalKmsServer.Instance.CreateKey());
        using var source = new TempDirectory();
        var files = new Dictionary<string, byte[]>
        {
            ["orders.csv"] = TestData.Csv(2000),
            ["empty.csv"] = [],
            ["deep/big.bin"] = TestData.Random((2 * Threshold) + 12345, seed: 9),
        };
        foreach (var (path, content) in files)
        {
            source.WriteFile(path, content);
        }

        using var provider = BuildProvider(server, bucket, [first, second], KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384);
        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync([source.Path]);

        foreach (var file in receipt.Files)
        {
            var stored = await server.GetObjectBytesAsync(bucket, file.Key);
            Assert.That(await KmsTestMessages.DecryptAsync(stored, [second]), Is.EqualTo(files[file.Path]), file.Path);
        }

        var manifest = await KmsTestMessages.DecryptAsync(await server.GetObjectBytesAsync(bucket, receipt.ManifestKey), [first]);
        using var json = JsonDocument.Parse(manifest);
        Assert.That(json.RootElement.GetProperty("encryption").GetProperty("mode").GetString(), Is.EqualTo("kms-envelope"));
        Assert.That(receipt.ManifestKey, Is.EqualTo($"partners/acme/{receipt.ShareId}.manifest.json.encrypted"));
    }

    [Test]
    public async Task ShareAsync_KmsKeyDisabled_ThrowsEncryptionKeyExceptionAndUploadsNothing()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var key = LocalKmsServer.Instance.CreateKey(enabled: false);
        using var provider = BuildProvider(server, bucket, [key], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit);

        var error = await ShareFailures.InnerAsync<EncryptionKeyException>(() =>
            provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(TestData.Csv(5)), "a.csv"));

        Assert.That(error!.Message, Does.Contain(key).And.Contain("disabled"));
        Assert.That(await server.ListKeysAsync(bucket), Is.Empty);
    }

    private static ServiceProvider BuildProvider(LocalS3Server server, string bucket, string[] keys, KmsAlgorithmSuite suite)
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = bucket;
                o.Prefix = "partners/acme";
            })
            .AddKmsEnvelopeEncryption(o =>
            {
                foreach (var key in keys)
                {
                    o.KeyIds.Add(key);
                }

                o.AlgorithmSuite = suite;
                o.ServiceUrl = LocalKmsServer.Instance.Endpoint;
                o.Credentials = LocalKmsServer.Credentials;
            })
            .AddS3Store(o =>
            {
                o.ServiceUrl = server.Endpoint;
                o.Credentials = LocalS3Server.Credentials;
                o.MultipartThreshold = Threshold;
                o.PartSize = Threshold;
                o.MaxConcurrentParts = 2;
            });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
