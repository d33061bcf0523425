using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary><c>ReceiveShareAsync(shareId, callback)</c>: verified files handed to code, through the same pipeline as folders.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ReceiveCallbackTests
{
    [Test]
    public async Task ReceiveShareAsync_Callback_GetsEveryFileVerifiedWithItsManifestDataAndNothingStays()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        using var spool = new TempDirectory();
        var options = new ShareSessionOptions { IdempotencyKey = "run-17" };
        options.Labels["dataset"] = "orders";
        var files = new Dictionary<string, byte[]> { ["orders.csv"] = TestData.Csv(3000), ["big/blob.bin"] = TestData.Random((2 * ReceiveTestBed.PartSize) + 7, seed: 9) };
        ShareReceipt receipt;
        await using (var share = await bed.Sharer().BeginShareAsync(options))
        {
            foreach (var (path, content) in files)
            {
                await share.AddStreamAsync(new MemoryStream(content), path);
            }

            receipt = await share.CompleteAsync();
        }

        var handed = new Dictionary<string, (byte[] Bytes, VerifiedFile File, bool SpoolExisted)>();
        var result = await bed.Receiver(configure: o => o.TemporaryDirectory = spool.Path).ReceiveShareAsync(receipt.ShareId, async (file, token) =>
        {
            using var copy = new MemoryStream();
            await file.Content.CopyToAsync(copy, token);
            var spoolFiles = Directory.GetFiles(spool.Path, "*", SearchOption.AllDirectories);
            lock (handed)
            {
                handed[file.Path] = (copy.ToArray(), file, spoolFiles.Length > 0);
            }
        });

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Received), result.Error);
        Assert.That(result.Files.Select(f => f.Status), Has.All.EqualTo(ReceiveStatus.Received));
        Assert.That(handed.Keys, Is.EquivalentTo(files.Keys));
        foreach (var (path, content) in files)
        {
            var (bytes, file, spoolExisted) = handed[path];
            Assert.That(bytes, Is.EqualTo(content), path);
            Assert.That((file.ShareId, file.Size, file.Sha256), Is.EqualTo((receipt.ShareId, (long)content.Length, TestData.Sha256Hex(content))));
            Assert.That(file.IdempotencyKey, Is.EqualTo("run-17"));
            Assert.That(file.Labels, Is.EqualTo(new Dictionary<string, string> { ["dataset"] = "orders" }));
            Assert.That(spoolExisted, Is.True, "the content comes from the private spool file");
        }

        Assert.That(Directory.EnumerateFileSystemEntries(spool.Path, "*", SearchOption.AllDirectories), Is.Empty, "spool files and folder deleted after the callbacks");
        Assert.That(bed.OutputFiles(), Is.Empty, "nothing written to any output folder");
    }

    [Test]
    public async Task ReceiveShareAsync_CorruptedObject_NeverReachesTheCallback()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        using var spool = new TempDirectory();
        ShareReceipt receipt;
        await using (var share = await bed.Sharer(compression: OpenPgpCompression.None).BeginShareAsync())
        {
            await share.AddStreamAsync(new MemoryStream(TestData.Csv(2000)), "good.csv");
            await share.AddStreamAsync(new MemoryStream(TestData.Csv(2000)), "bad.csv");
            receipt = await share.CompleteAsync();
        }

        var bad = receipt.Files.Single(f => f.Path == "bad.csv").Key;
        bed.TamperAtRest(bad, (await bed.ReadObjectAsync(bad)).Length / 2);
        var handed = new List<string>();

        var result = await bed.Receiver(configure: o =>
        {
            o.TemporaryDirectory = spool.Path;
            o.MaxAttempts = 1;
        }).ReceiveShareAsync(receipt.ShareId, (file, _) =>
        {
            lock (handed)
            {
                handed.Add(file.Path);
            }

            return Task.CompletedTask;
        });

        Assert.That(handed, Is.EqualTo(new[] { "good.csv" }), "only the verified file is handed over");
        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(result.Files.Single(f => f.Path == "bad.csv").Error, Does.Contain("bad.csv"));
        Assert.That(Directory.EnumerateFileSystemEntries(spool.Path, "*", SearchOption.AllDirectories), Is.Empty, "the unverified plaintext was deleted, never handed over");
    }

    [Test]
    public async Task ReceiveShareAsync_CallbackThrows_TheCallersExceptionAsThrownAndNoSpoolLeft()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var spool = new TempDirectory();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(100)), "orders.csv");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => bed.Receiver(configure: o => o.TemporaryDirectory = spool.Path)
            .ReceiveShareAsync(receipt.ShareId, (_, _) => throw new InvalidDataException("warehouse refused row 7")));

        Assert.That(error!.Message, Is.EqualTo("warehouse refused row 7"));
        Assert.That(Directory.EnumerateFileSystemEntries(spool.Path, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task AddReceiving_FromConfiguration_KeyFilePassphraseVariableAndKmsKeysBindAndReceive()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var folder = new TempDirectory();
        var key = OpenPgpKeyGenerator.Generate("Protected receiver <p@s3s2.test>", "correct horse battery", 2048);
        var keyFile = folder.WriteFile("receiver.sec.asc", System.Text.Encoding.ASCII.GetBytes(key.SecretKeyArmored));
        var variable = "S3S2_TEST_PASSPHRASE_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, "correct horse battery");
        try
        {
            var receipt = await bed.Sharer(recipient: key).ShareStreamAsync(new MemoryStream(TestData.Csv(50)), "orders.csv");
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["S3S2:Receive:SecretKeyFiles:0"] = keyFile,
                ["S3S2:Receive:PassphraseEnvironmentVariable"] = variable,
                ["S3S2:Receive:AllowedKmsKeyIds:0"] = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                ["S3S2:Receive:MaxConcurrentFiles"] = "1",
            }).Build();
            var services = new ServiceCollection();
            services.AddS3S2Sharing(o => o.Prefix = ReceiveTestBed.Prefix)
                .AddLocalFolderStore(bed.StoreFolder!.Path)
                .AddReceiving(configuration.GetSection("S3S2:Receive"));
            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

            var options = provider.GetRequiredService<IOptionsMonitor<ReceiveClientOptions>>().Get(ShareClientOptions.DefaultName);
            var received = await provider.GetRequiredService<IReceiveClient>().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

            Assert.That(options.SecretKeyFiles, Is.EqualTo(new[] { keyFile }));
            Assert.That(options.AllowedKmsKeyIds, Has.Count.EqualTo(1));
            Assert.That(options.MaxConcurrentFiles, Is.EqualTo(1));
            Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
            Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "orders.csv")), Is.EqualTo(TestData.Csv(50)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Test]
    public void AddReceiving_FromConfigurationWithMissingFileAndUnsetVariable_ValidationNamesBoth()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Receive:SecretKeyFiles:0"] = "/nonexistent/receiver.sec.asc",
            ["Receive:PassphraseEnvironmentVariable"] = "S3S2_TEST_SURELY_UNSET_VARIABLE",
        }).Build();
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddReceiving(configuration.GetSection("Receive"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IReceiveClient>());

        Assert.That(error!.Failures, Has.One.Contains("/nonexistent/receiver.sec.asc").And.One.Contains("S3S2_TEST_SURELY_UNSET_VARIABLE"));
    }

    [Test]
    public void AddReceiving_PassphraseWhereItsVariableNameBelongs_RefusedWithoutRepeatingIt()
    {
        const string passphrase = "Tr0ub4dor&3 correct horse";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Receive:PassphraseEnvironmentVariable"] = passphrase,
        }).Build();
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddReceiving(configuration.GetSection("Receive"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IReceiveClient>());

        // Before, the message quoted the setting ("PassphraseEnvironmentVariable names 'Tr0ub4dor&3 ...'"), and hosts log it at start.
        Assert.That(error!.Failures, Has.One.Contains("PassphraseEnvironmentVariable is not an environment variable name"));
        Assert.That(error.Message + string.Join(" ", error.Failures), Does.Not.Contain("Tr0ub4dor"));
    }
}
