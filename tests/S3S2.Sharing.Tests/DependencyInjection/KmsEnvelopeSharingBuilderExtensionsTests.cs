using Amazon.KeyManagementService;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Encryption.Kms;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Upload;
using ServerSideEncryptionMethod = S3S2.Sharing.Storage.ServerSideEncryptionMethod;

namespace S3S2.Sharing.Tests.DependencyInjection;

[TestFixture]
public sealed class KmsEnvelopeSharingBuilderExtensionsTests
{
    [Test]
    public async Task AddKmsEnvelopeEncryption_ShareToLocalFolder_WritesEnvelopeMessagesTheKeyOpens()
    {
        using var folder = new TempDirectory();
        var source = folder.WriteFile("in/orders/2026.csv", TestData.Csv(2000));
        var key = LocalKmsServer.Instance.CreateKey();
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Prefix = "partners/acme")
            .AddKmsEnvelopeEncryption(o =>
            {
                o.KeyIds.Add(key);
                o.ServiceUrl = LocalKmsServer.Instance.Endpoint;
                o.Credentials = LocalKmsServer.Credentials;
            })
            .AddLocalFolderStore(folder.Combine("store"));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync([folder.Combine("in")]);

        Assert.That(receipt.ManifestKey, Does.EndWith(".manifest.json.encrypted"));
        Assert.That(receipt.Files.Single().Key, Is.EqualTo($"partners/acme/{receipt.ShareId}/orders/2026.csv.encrypted"));
        var stored = await File.ReadAllBytesAsync(folder.Combine("store", "partners", "acme", receipt.ShareId, "orders", "2026.csv.encrypted"));
        var plaintext = await KmsTestMessages.DecryptAsync(stored, [key]);
        Assert.That(plaintext, Is.EqualTo(await File.ReadAllBytesAsync(source)));
    }

    [Test]
    public async Task AddKmsEnvelopeEncryption_SseKmsConfigured_SendsSseHeadersOnPut()
    {
        var sseKey = "arn:aws:kms:us-east-1:111122223333:key/sse-key";
        var s3 = new Mock<IAmazonS3>();
        var puts = new List<PutObjectRequest>();
        s3.Setup(c => c.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()))
            .Callback<PutObjectRequest, CancellationToken>((r, _) => puts.Add(r))
            .ReturnsAsync(new PutObjectResponse());
        var services = new ServiceCollection();
        services.AddSingleton(s3.Object);
        services.AddSingleton<IAmazonKeyManagementService>(LocalKmsServer.Instance.CreateClient());
        var key = LocalKmsServer.Instance.CreateKey();
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = "awesomeai-inbox";
                o.AllowBucketRoot = true;
                o.ServerSideEncryption.Method = ServerSideEncryptionMethod.Kms;
                o.ServerSideEncryption.KmsKeyId = sseKey;
                o.ServerSideEncryption.Required = true;
                o.ServerSideEncryption.AllowedKmsKeyIds.Add(sseKey);
            })
            .AddKmsEnvelopeEncryption(o => o.KeyIds.Add(key))
            .AddS3Store();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(TestData.Csv(10)), "a.csv");

        Assert.That(puts, Has.Count.EqualTo(2));
        Assert.That(puts.Select(p => p.ServerSideEncryptionMethod), Is.All.EqualTo(Amazon.S3.ServerSideEncryptionMethod.AWSKMS));
        Assert.That(puts.Select(p => p.ServerSideEncryptionKeyManagementServiceKeyId), Is.All.EqualTo(sseKey));
    }

    [Test]
    public async Task AddKmsEnvelopeEncryption_SseS3Configured_SendsAes256OnMultipartInitiation()
    {
        var s3 = new Mock<IAmazonS3>();
        var initiations = new List<InitiateMultipartUploadRequest>();
        s3.Setup(c => c.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new PutObjectResponse());
        s3.Setup(c => c.InitiateMultipartUploadAsync(It.IsAny<InitiateMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .Callback<InitiateMultipartUploadRequest, CancellationToken>((r, _) => initiations.Add(r))
            .ReturnsAsync(new InitiateMultipartUploadResponse { UploadId = "u1" });
        s3.Setup(c => c.UploadPartAsync(It.IsAny<UploadPartRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((UploadPartRequest r, CancellationToken _) => new UploadPartResponse { ETag = "\"e\"", PartNumber = r.PartNumber });
        s3.Setup(c => c.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new CompleteMultipartUploadResponse());
        var services = new ServiceCollection();
        services.AddSingleton(s3.Object);
        services.AddSingleton<IAmazonKeyManagementService>(LocalKmsServer.Instance.CreateClient());
        var key = LocalKmsServer.Instance.CreateKey();
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = "awesomeai-inbox";
                o.AllowBucketRoot = true;
                o.ServerSideEncryption.Method = ServerSideEncryptionMethod.S3Managed;
                o.ServerSideEncryption.Required = true;
            })
            .AddKmsEnvelopeEncryption(o => o.KeyIds.Add(key))
            .AddS3Store(o => (o.MultipartThreshold, o.PartSize) = (S3StoreOptions.MinimumPartSize, S3StoreOptions.MinimumPartSize));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(TestData.Random(7 * 1024 * 1024, 3)), "big.bin");

        Assert.That(initiations.Single().ServerSideEncryptionMethod, Is.EqualTo(Amazon.S3.ServerSideEncryptionMethod.AES256));
    }

    [Test]
    public async Task AddKmsEnvelopeEncryption_InvalidOptions_ListsEveryProblemAtStart()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.ServerSideEncryption.Required = true)
            .AddKmsEnvelopeEncryption(o =>
            {
                o.KeyIds.Add("alias/receiver");
                o.FrameLength = 10;
                o.EncryptionContext["aws-crypto-public-key"] = "x";
            })
            .AddLocalFolderStore("unused-store");
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IShareClient>());
        var kmsErrors = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<KmsEnvelopeEncryptionOptions>>().Get(ShareClientOptions.DefaultName));

        Assert.That(error!.Message, Does.Contain("server-side encryption is required (ServerSideEncryption.Required = true) but ServerSideEncryption.Method is None"));
        Assert.That(kmsErrors!.Failures, Has.Exactly(1).Contains("'alias/receiver' is not a key ARN"));
        Assert.That(kmsErrors.Failures, Has.Exactly(1).Contains("FrameLength 10 must be between 1024 and 16777216"));
        Assert.That(kmsErrors.Failures, Has.Exactly(1).Contains("'aws-crypto-public-key' is reserved"));
    }

    [Test]
    public async Task AddKmsEnvelopeEncryption_KeysInTwoRegions_RefusedAtStartNamingThem()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing()
            .AddKmsEnvelopeEncryption(o =>
            {
                o.KeyIds.Add("arn:aws:kms:eu-west-1:111122223333:key/k1");
                o.KeyIds.Add("arn:aws:kms:us-east-1:111122223333:key/k2");
            })
            .AddLocalFolderStore("unused-store");
        await using var provider = services.BuildServiceProvider();

        // Before, the client was built and its first share failed: the second key's Encrypt went to the first key's region.
        var kmsErrors = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<KmsEnvelopeEncryptionOptions>>().Get(ShareClientOptions.DefaultName));

        Assert.That(kmsErrors!.Failures, Has.Exactly(1).Contains("the KMS keys are in 2 regions (eu-west-1, us-east-1), but a share calls KMS in one region"));
    }

    [Test]
    public async Task AddKmsEnvelopeEncryption_WithOpenPgpToo_RefusesTwoEncryptors()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing()
            .AddKmsEnvelopeEncryption(o => o.KeyIds.Add("arn:aws:kms:us-east-1:111122223333:key/k"))
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(S3S2.Sharing.Encryption.OpenPgp.OpenPgpKeySource.FromArmoredString("x")))
            .AddLocalFolderStore("unused-store");
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Message, Does.Contain("2 encryptors are configured (KMS envelope, OpenPGP)"));
    }

    [Test]
    public async Task AddKmsEnvelopeEncryption_KmsAnswersWithAnotherKey_PolicyRefusesAndNothingIsStored()
    {
        // The policy checks what was configured, not what the encryptor reports: a data key under another key is refused.
        var configured = "arn:aws:kms:us-east-1:111122223333:key/configured";
        var kms = new Mock<IAmazonKeyManagementService>();
        kms.Setup(k => k.GenerateDataKeyAsync(It.IsAny<Amazon.KeyManagementService.Model.GenerateDataKeyRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new Amazon.KeyManagementService.Model.GenerateDataKeyResponse
            {
                KeyId = "arn:aws:kms:us-east-1:444455556666:key/attacker",
                Plaintext = new MemoryStream(new byte[32]),
                CiphertextBlob = new MemoryStream(new byte[64]),
            });
        using var folder = new TempDirectory();
        var services = new ServiceCollection();
        services.AddSingleton(kms.Object);
        services.AddS3S2Sharing().AddKmsEnvelopeEncryption(o => o.KeyIds.Add(configured)).AddLocalFolderStore(folder.Combine("store"));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var error = await ShareFailures.InnerAsync<S3S2.Sharing.Policy.SharePolicyException>(() =>
            provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(TestData.Csv(10)), "a.csv"));

        Assert.That(error!.Message, Does.Contain("key/attacker").And.Contain("the configured keys are [" + configured + "]"));
        Assert.That(Directory.Exists(folder.Combine("store")) ? Directory.GetFiles(folder.Combine("store"), "*", SearchOption.AllDirectories) : [], Is.Empty);
    }
}
