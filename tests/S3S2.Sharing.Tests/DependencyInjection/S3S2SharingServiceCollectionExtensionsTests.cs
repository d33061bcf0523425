using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.DependencyInjection;

[TestFixture]
public sealed class S3S2SharingServiceCollectionExtensionsTests
{
    [Test]
    public void GetService_NoEncryptorNoStore_ListsEveryProblemWithItsFix()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Prefix = "a/../b");
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Failures, Is.EquivalentTo(new[]
        {
            "S3S2 client 'default': no encryptor is configured. Call AddOpenPgpEncryption(...) or AddKmsEnvelopeEncryption(...).",
            "S3S2 client 'default': no store is configured (where shares live). Call AddS3Store(...) or AddLocalFolderStore(path).",
            "S3S2 client 'default': Prefix 'a/../b' has an empty, '.' or '..' segment. Use segments separated by '/', for example 'partners/acme'.",
        }));
    }

    [Test]
    public void GetService_S3UploaderWithoutBucket_NamesTheFix()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored))).AddS3Store();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Message, Does.Contain("Bucket is not set").And.Contain("options.Bucket"));
    }

    [Test]
    public void GetService_BadOpenPgpAndS3Options_ReportsTheActualValues()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Bucket = "b")
            .AddOpenPgpEncryption(o => o.PinnedFingerprints.Add("ABCD"))
            .AddS3Store(o =>
            {
                o.PartSize = 1024;
                o.MaxConcurrentParts = 0;
            });
        using var provider = services.BuildServiceProvider();
        var openPgp = provider.GetRequiredService<IOptionsMonitor<OpenPgpEncryptionOptions>>();
        var s3 = provider.GetRequiredService<IOptionsMonitor<S3S2.Sharing.Storage.S3StoreOptions>>();

        var openPgpError = Assert.Throws<OptionsValidationException>(() => openPgp.Get(ShareClientOptions.DefaultName));
        var s3Error = Assert.Throws<OptionsValidationException>(() => s3.Get(ShareClientOptions.DefaultName));

        Assert.That(openPgpError!.Failures, Has.Some.Contains("no recipient key").And.Some.Contains("pinned fingerprint 'ABCD' is not 40 hex digits"));
        Assert.That(s3Error!.Failures, Has.Some.Contains("PartSize 1024 bytes").And.Some.Contains("MaxConcurrentParts 0"));
    }

    [TestCase(0)]
    [TestCase(10)]
    public void GetService_OpenPgpCompressionLevelOutOfRange_ReportsTheValueAndTheRange(int level)
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Bucket = "b")
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored));
                o.CompressionLevel = level;
            });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<OpenPgpEncryptionOptions>>().Get(ShareClientOptions.DefaultName));

        Assert.That(error!.Failures, Is.EqualTo(new[] { $"S3S2 client 'default': OpenPGP compression level {level} is out of range. Use 1 (fastest) to 9 (smallest); 4 is the default." }));
    }

    [Test]
    public void GetService_TwoStores_IsAnError()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Bucket = "b")
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))
            .AddS3Store()
            .AddLocalFolderStore("store-x");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Message, Does.Contain("2 stores are configured (S3, local folder 'store-x')"));
    }

    [Test]
    public void AddS3S2Sharing_CalledTwice_RegistersOneFactoryAndOneClient()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Bucket = "b")
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))
            .AddLocalFolderStore("unused-store");
        services.AddS3S2Sharing(o => o.Prefix = "p");

        Assert.That(services.Count(d => d.ServiceType == typeof(IShareClientFactory)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IShareClient)), Is.EqualTo(1));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<ShareClientOptions>>().Get(ShareClientOptions.DefaultName);
        Assert.That((options.Bucket, options.Prefix), Is.EqualTo(("b", "p")), "both configure delegates apply");
    }

    [Test]
    public async Task GetService_HostRegisteredIAmazonS3_IsTheOneUsed()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(x => x.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new PutObjectResponse());
        var services = new ServiceCollection();
        services.AddSingleton(s3.Object);
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = "inbox";
                o.AllowBucketRoot = true;
            })
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))
            .AddS3Store();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream([1, 2, 3]), "a.bin");

        s3.Verify(x => x.PutObjectAsync(It.Is<PutObjectRequest>(r => r.BucketName == "inbox"), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Test]
    public async Task CreateClient_NamedClients_AreSeparate()
    {
        using var one = new TempDirectory();
        using var two = new TempDirectory();
        var services = new ServiceCollection();
        services.AddS3S2Sharing("one").AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored))).AddLocalFolderStore(one.Path);
        services.AddS3S2Sharing("two", o => o.Prefix = "p2").AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.SecondReceiver.PublicKeyArmored))).AddLocalFolderStore(two.Path);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var factory = provider.GetRequiredService<IShareClientFactory>();

        var receipt = await factory.CreateClient("two").ShareStreamAsync(new MemoryStream([7]), "x.bin");

        Assert.That(factory.CreateClient("one"), Is.Not.SameAs(factory.CreateClient("two")));
        Assert.That(Directory.GetFiles(one.Path, "*", SearchOption.AllDirectories), Is.Empty);
        var stored = await File.ReadAllBytesAsync(Path.Combine(two.Path, receipt.Files[0].Key));
        Assert.That(TestKeys.Decrypt(stored, TestKeys.SecondReceiver).Plaintext, Is.EqualTo(new byte[] { 7 }));
        Assert.That(receipt.Files[0].Key, Does.StartWith("p2/"));
    }

    [Test]
    public async Task AddUploader_CustomUploader_GetsOnlyPolicyCheckedCiphertext()
    {
        var uploader = new RecordingUploader();
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Prefix = "p")
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))
            .AddUploader(_ => uploader);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var content = TestData.Csv(20);

        var receipt = await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(content), "a.csv");

        Assert.That(uploader.Objects.Keys, Is.EquivalentTo(new[] { receipt.Files[0].Key, receipt.ManifestKey }));
        Assert.That(TestKeys.Decrypt(uploader.Objects[receipt.Files[0].Key], TestKeys.Receiver).Plaintext, Is.EqualTo(content));
    }
}
