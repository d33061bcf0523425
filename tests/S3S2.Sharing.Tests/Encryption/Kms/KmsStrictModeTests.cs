using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.Kms;

/// <summary>
/// KMS strict mode: a receiver calls KMS only with keys (or accounts) it allowed, only for messages of the share and
/// file it expects, and a KMS it cannot reach fails that share, not the run.
/// </summary>
[TestFixture]
public sealed class KmsStrictModeTests
{
    private const int Frame = 4096;

    [Test]
    public async Task ReceiveShareAsync_NoAllowedKmsKeyOrAccount_RefusesNamingTheFixWithoutCallingKms()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var folder = new TempDirectory();
        var shareId = await ShareAsync(folder, key);
        await using var receiver = Receiver(folder, _ => { });

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => receiver.GetRequiredService<IReceiveClient>().ReceiveShareAsync(shareId, folder.Combine("out")));

        Assert.That(error!.Message, Does.Contain("AllowedKmsKeyIds").And.Contain("--kms-key"));
        Assert.That(LocalKmsServer.Instance.CallsFor(key).Count(c => c.Operation == "Decrypt"), Is.Zero);
        Assert.That(Directory.Exists(folder.Combine("out", shareId)), Is.False);
    }

    [Test]
    public async Task ReceiveShareAsync_MessageUnderAKeyNotAllowed_RefusesWithoutCallingKms()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        var allowed = LocalKmsServer.Instance.CreateKey();
        using var folder = new TempDirectory();
        var shareId = await ShareAsync(folder, key);
        await using var receiver = Receiver(folder, o => o.AllowedKmsKeyIds.Add(allowed));

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => receiver.GetRequiredService<IReceiveClient>().ReceiveShareAsync(shareId, folder.Combine("out")));

        Assert.That(error!.Message, Does.Contain(key).And.Contain(allowed).And.Contain("KMS was not called"));
        Assert.That(LocalKmsServer.Instance.CallsFor(key).Count(c => c.Operation == "Decrypt"), Is.Zero);
    }

    [Test]
    public async Task ReceiveShareAsync_AccountAllowedByDiscoveryFilter_WritesIdenticalBytes()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var folder = new TempDirectory();
        var shareId = await ShareAsync(folder, key);
        await using var receiver = Receiver(folder, o => o.AllowedKmsAccountIds.Add(LocalKmsServer.Account));

        var received = await receiver.GetRequiredService<IReceiveClient>().ReceiveShareAsync(shareId, folder.Combine("out"));

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(await File.ReadAllBytesAsync(folder.Combine("out", shareId, "a.csv")), Is.EqualTo(TestData.Csv(50)));
    }

    [Test]
    public async Task ReceiveShareAsync_AccountOfAnotherPartition_RefusesWithoutCallingKms()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var folder = new TempDirectory();
        var shareId = await ShareAsync(folder, key);
        await using var receiver = Receiver(folder, o =>
        {
            o.AllowedKmsAccountIds.Add(LocalKmsServer.Account);
            o.KmsPartition = "aws-cn";
        });

        await Assert.ThrowsAsync<EncryptionKeyException>(() => receiver.GetRequiredService<IReceiveClient>().ReceiveShareAsync(shareId, folder.Combine("out")));
        Assert.That(LocalKmsServer.Instance.CallsFor(key).Count(c => c.Operation == "Decrypt"), Is.Zero);
    }

    [Test]
    public async Task DecryptAsync_MessageOfAnotherShare_RefusedBeforeKmsIsCalled()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        var message = await KmsTestMessages.EncryptAsync(TestData.Csv(20), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, Frame, [key]);
        using var kms = LocalKmsServer.Instance.CreateClient();
        using var decryptor = new KmsEnvelopeDecryptor(_ => kms, new KmsKeyFilter([key], [], "aws"));
        using var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<IntegrityException>(() => ((IDecryptor)decryptor).DecryptAsync(
            new MemoryStream(message), output, new DecryptionMessage("test message", new EncryptionContext("another-share", "data/file.csv")), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("another-share").And.Contain("KMS was not called"));
        Assert.That(LocalKmsServer.Instance.CallsFor(key).Count(c => c.Operation == "Decrypt"), Is.Zero);
        Assert.That(output.Length, Is.Zero);
    }

    [Test]
    public async Task DecryptAsync_MessageNamingAnotherPath_RefusedBeforeKmsIsCalled()
    {
        // Messages written before data keys were shared carry the file's path; it must still be the expected one.
        var key = LocalKmsServer.Instance.CreateKey();
        var message = await KmsTestMessages.EncryptAsync(TestData.Csv(20), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, Frame, [key]);
        using var kms = LocalKmsServer.Instance.CreateClient();
        using var decryptor = new KmsEnvelopeDecryptor(_ => kms, new KmsKeyFilter([key], [], "aws"));

        var error = await Assert.ThrowsAsync<IntegrityException>(() => decryptor.DecryptAsync(
            new MemoryStream(message), Stream.Null, null, new Dictionary<string, string> { ["s3s2:share-id"] = "share-2" }, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("share-2"));
        Assert.That(LocalKmsServer.Instance.CallsFor(key).Count(c => c.Operation == "Decrypt"), Is.Zero);
    }

    [Test]
    public async Task DecryptAsync_KmsUnreachable_ThrowsEncryptionKeyExceptionNamingTheFix()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        var message = await KmsTestMessages.EncryptAsync(TestData.Csv(20), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, Frame, [key]);
        using var unreachable = UnreachableKms();
        using var decryptor = new KmsEnvelopeDecryptor(_ => unreachable, new KmsKeyFilter([key], [], "aws"));
        using var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => decryptor.DecryptAsync(new MemoryStream(message), output, null, null, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("could not be reached").And.Contain(key));
        Assert.That(error.IsTransient, Is.True, "a KMS out of reach may answer later");
        Assert.That(output.Length, Is.Zero);
    }

    [Test]
    public async Task ReceiveAllAsync_PlantedKmsShareWhoseKmsIsUnreachable_FailsThatShareAndReceivesTheOthers()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var folder = new TempDirectory();
        var planted = await ShareAsync(folder, key);
        folder.WriteFile("pgp/b.csv", TestData.Csv(30));
        string pgpShare;
        await using (var sender = Build(folder, b => b.AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))))
        {
            pgpShare = (await sender.GetRequiredService<IShareClient>().ShareAsync([folder.Combine("pgp")])).ShareId;
        }

        await using var receiver = Receiver(folder, o =>
        {
            o.SecretKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.SecretKeyArmored));
            o.AllowedKmsAccountIds.Add(LocalKmsServer.Account);
            o.KmsServiceUrl = UnreachableEndpoint;
        });

        var results = await receiver.GetRequiredService<IReceiveClient>().ReceiveAllAsync(folder.Combine("out"));

        Assert.That(results.Single(r => r.ShareId == pgpShare).Status, Is.EqualTo(ReceiveStatus.Received));
        // KMS out of reach may pass: the share fails this run (never marked skipped for good), and the others go on.
        var failed = results.Single(r => r.ShareId == planted);
        Assert.That(failed.Status, Is.EqualTo(ReceiveStatus.Failed));
        Assert.That(File.Exists(folder.Combine("out", planted + ".skipped")), Is.False);
        Assert.That(failed.Error, Does.Contain("could not be reached"));
        Assert.That(await File.ReadAllBytesAsync(folder.Combine("out", pgpShare, "b.csv")), Is.EqualTo(TestData.Csv(30)));
    }

    /// <summary>A port nothing listens on: connections are refused at once.</summary>
    private static string UnreachableEndpoint => $"http://127.0.0.1:{LocalServerProcess.FreePort()}";

    private static Amazon.KeyManagementService.AmazonKeyManagementServiceClient UnreachableKms() =>
        new(LocalKmsServer.Credentials, new Amazon.KeyManagementService.AmazonKeyManagementServiceConfig { ServiceURL = UnreachableEndpoint, AuthenticationRegion = LocalKmsServer.Region, MaxErrorRetry = 0 });

    private static async Task<string> ShareAsync(TempDirectory folder, string key)
    {
        folder.WriteFile("kms/a.csv", TestData.Csv(50));
        await using var sender = Build(folder, b => b.AddKmsEnvelopeEncryption(o =>
        {
            o.KeyIds.Add(key);
            o.ServiceUrl = LocalKmsServer.Instance.Endpoint;
            o.Credentials = LocalKmsServer.Credentials;
            o.FrameLength = Frame;
        }));
        return (await sender.GetRequiredService<IShareClient>().ShareAsync([folder.Combine("kms")])).ShareId;
    }

    private static ServiceProvider Receiver(TempDirectory folder, Action<ReceiveClientOptions> configure) =>
        Build(folder, b => b.AddReceiving(o =>
        {
            o.KmsServiceUrl = LocalKmsServer.Instance.Endpoint;
            o.KmsCredentials = LocalKmsServer.Credentials;
            configure(o);
        }));

    private static ServiceProvider Build(TempDirectory folder, Action<IS3S2SharingBuilder> configure)
    {
        var services = new ServiceCollection();
        var builder = services.AddS3S2Sharing(o => o.Prefix = "partners/kms").AddLocalFolderStore(folder.Combine("store"));
        configure(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
