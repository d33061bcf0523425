using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Integration;

/// <summary>Shares through the real AWS SDK client to the local S3 server and reads the objects back with gpg.</summary>
[TestFixture]
[Category("Integration")]
public sealed class S3ShareIntegrationTests
{
    private const int Threshold = 5 * 1024 * 1024;

    [Test]
    public async Task ShareAsync_NestedDirectory_ObjectsDecryptWithGpgToIdenticalBytes()
    {
        var server = LocalS3Server.Instance;
        using var gpg = Gpg.Create();
        await gpg.ImportAsync(TestKeys.Receiver.SecretKeyArmored);
        var bucket = await server.CreateBucketAsync();
        using var source = new TempDirectory();
        var files = new Dictionary<string, byte[]>
        {
            ["orders.csv"] = TestData.Csv(2000),
            ["empty.csv"] = [],
            ["régions/données-été.csv"] = TestData.Csv(10),
            ["deep/er/still/big.bin"] = TestData.Random((2 * Threshold) + 12345, seed: 7),
        };
        foreach (var (path, content) in files)
        {
            source.WriteFile(path, content);
        }

        using var provider = BuildProvider(server, bucket, "partners/acme/", OpenPgpCompression.Zlib);
        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync([source.Path]);

        Assert.That(receipt.Files.Select(f => f.Path), Is.EquivalentTo(files.Keys));
        foreach (var file in receipt.Files)
        {
            Assert.That(file.Key, Is.EqualTo($"partners/acme/{receipt.ShareId}/{file.Path}.gpg"));
            Assert.That(file.Size, Is.EqualTo(files[file.Path].Length));
            Assert.That(file.Sha256, Is.EqualTo(TestData.Sha256Hex(files[file.Path])));
            var (plaintext, status, exitCode) = await gpg.DecryptAsync(await server.GetObjectBytesAsync(bucket, file.Key));
            Assert.That(exitCode, Is.Zero, status);
            Assert.That(plaintext, Is.EqualTo(files[file.Path]), $"bytes of {file.Path}");
            Assert.That(status, Does.Contain("DECRYPTION_OKAY").And.Contain("GOODMDC"));
        }

        var (manifestJson, _, manifestExit) = await gpg.DecryptAsync(await server.GetObjectBytesAsync(bucket, receipt.ManifestKey));
        Assert.That(manifestExit, Is.Zero);
        using var manifest = JsonDocument.Parse(manifestJson);
        Assert.That(manifest.RootElement.GetProperty("shareId").GetString(), Is.EqualTo(receipt.ShareId));
        Assert.That(
            manifest.RootElement.GetProperty("files").EnumerateArray().Select(f => (f.GetProperty("path").GetString(), f.GetProperty("sha256").GetString())),
            Is.EquivalentTo(receipt.Files.Select(f => ((string?)f.Path, (string?)f.Sha256))));
        Assert.That(receipt.ManifestKey, Is.EqualTo($"partners/acme/{receipt.ShareId}.manifest.json.gpg"));
        Assert.That(await server.ListKeysAsync(bucket), Is.EquivalentTo(receipt.Files.Select(f => f.Key).Append(receipt.ManifestKey)));
    }

    [Test]
    public async Task ShareStreamAsync_NonSeekableStreamAboveThreshold_GoesMultipartAndRoundTrips()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var content = TestData.Random((3 * Threshold) + 1, seed: 11);
        using var s3 = server.CreateClient();
        var requests = new List<string>();
        s3.BeforeRequestEvent += (_, e) =>
        {
            if (e is Amazon.Runtime.WebServiceRequestEventArgs request)
            {
                lock (requests)
                {
                    requests.Add(request.Request.GetType().Name);
                }
            }
        };
        var services = new ServiceCollection();
        services.AddSingleton<Amazon.S3.IAmazonS3>(s3);
        services.AddS3S2Sharing(o => (o.Bucket, o.Prefix) = (bucket, "partners/acme"))
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored));
                o.Compression = OpenPgpCompression.None;
            })
            .AddS3Store(o =>
            {
                o.MultipartThreshold = Threshold;
                o.PartSize = Threshold;
            });
        await using var provider = services.BuildServiceProvider();

        var receipt = await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new NonSeekableStream(content), "stream/blob.bin");

        Assert.That(requests.Count(r => r == "UploadPartRequest"), Is.EqualTo(4), "3 × 5 MiB + 1 byte of plaintext plus OpenPGP overhead = 4 parts");
        Assert.That(requests, Has.One.EqualTo("InitiateMultipartUploadRequest").And.One.EqualTo("CompleteMultipartUploadRequest"));
        var stored = await server.GetObjectBytesAsync(bucket, receipt.Files[0].Key);
        Assert.That(TestKeys.Decrypt(stored, TestKeys.Receiver).Plaintext, Is.EqualTo(content));
    }

    private static ServiceProvider BuildProvider(LocalS3Server server, string bucket, string prefix, OpenPgpCompression compression)
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = bucket;
                o.Prefix = prefix;
            })
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored));
                o.PinnedFingerprints.Add(TestKeys.Receiver.Fingerprint);
                o.Compression = compression;
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
