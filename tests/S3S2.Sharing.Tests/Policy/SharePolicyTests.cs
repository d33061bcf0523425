using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Sharing;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests.Policy;

/// <summary>
/// The policy sits between every encryptor and every S3 call: with a strict <see cref="IAmazonS3"/> mock
/// that has no setups, any SDK call would fail the test with a MockException instead of the policy's refusal.
/// </summary>
[TestFixture]
public sealed class SharePolicyTests
{
    private const int Threshold = 5 * 1024 * 1024;

    [Test]
    public async Task ShareStreamAsync_PlaintextEncryptor_RefusedBeforeAnyS3Call()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        var client = Client(new PassThroughEncryptor(), s3.Object, TestKeys.Receiver);

        var error = await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareStreamAsync(new MemoryStream(TestData.Csv(100)), "a.csv"));

        Assert.That(error!.Message, Does.Contain("plaintext").And.Contain("Nothing was sent"));
        s3.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ShareStreamAsync_PlaintextAboveMultipartThreshold_NoInitiateNoUploadPart()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        var client = Client(new PassThroughEncryptor(), s3.Object, TestKeys.Receiver);

        await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareStreamAsync(new MemoryStream(TestData.Random(3 * Threshold, 1)), "big.bin"));

        s3.Verify(x => x.InitiateMultipartUploadAsync(It.IsAny<InitiateMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        s3.Verify(x => x.UploadPartAsync(It.IsAny<UploadPartRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        s3.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ShareStreamAsync_EncryptorWritingToAnotherKey_RefusedBeforeAnyS3Call()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        var rogue = new OpenPgpEncryptor(TestKeys.Recipients(TestKeys.Attacker), OpenPgpCompression.Zlib);
        var client = Client(rogue, s3.Object, TestKeys.Receiver);

        var error = await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareStreamAsync(new MemoryStream(TestData.Csv(10)), "a.csv"));

        Assert.That(error!.Message, Does.Contain("encrypted to key ids"));
        s3.VerifyNoOtherCalls();
    }

    [Test]
    public void GetService_KeyNotMatchingPin_RefusedAtStartThroughDependencyInjection()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        var services = new ServiceCollection();
        services.AddSingleton(s3.Object);
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = "inbox";
                o.Prefix = "partners/acme";
            })
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Attacker.PublicKeyArmored));
                o.PinnedFingerprints.Add(TestKeys.Receiver.Fingerprint);
            })
            .AddS3Store();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        // Checked when the client starts (ValidateOnStart), before any upload could be tried.
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Message, Does.Contain("do not match the pinned fingerprints"));
        s3.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ShareStreamAsync_KeyExpiresWhileTheHostRuns_RefusedThroughDependencyInjection()
    {
        var (armored, _, _) = TestKeyRings.Build(
            Org.BouncyCastle.Bcpg.OpenPgp.PgpKeyFlags.CanCertify, null, null, false,
            new TestKeyRings.Subkey(DateTime.UtcNow.AddDays(-1), Lifetime: TimeSpan.FromDays(2)));
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        using var store = new TempDirectory();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddS3S2Sharing()
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(armored)))
            .AddLocalFolderStore(store.Path);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var client = provider.GetRequiredService<IShareClient>();

        await client.ShareStreamAsync(new MemoryStream([1]), "today.csv");
        clock.Now = clock.Now.AddDays(2);
        var error = await ShareFailures.InnerAsync<SharePolicyException>(() => client.ShareStreamAsync(new MemoryStream([2]), "later.csv"));

        Assert.That(error!.Message, Does.Contain("expired on"));
        Assert.That(Directory.GetFiles(store.Path, "later.csv*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task ShareStreamAsync_GoodConfiguration_PutObjectGetsOnlyCiphertextForThePinnedKey()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        var bodies = new Dictionary<string, byte[]>();
        s3.Setup(x => x.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()))
            .Callback<PutObjectRequest, CancellationToken>((request, _) =>
            {
                Assert.That(request.UseChunkEncoding, Is.False, "plain payloads keep S3-compatible stores exact");
                bodies[request.Key] = ((MemoryStream)request.InputStream).ToArray();
            })
            .ReturnsAsync(new PutObjectResponse());
        var plaintext = TestData.Csv(500);
        var client = Client(new OpenPgpEncryptor(TestKeys.Recipients(TestKeys.Receiver), OpenPgpCompression.Zlib), s3.Object, TestKeys.Receiver);

        var receipt = await client.ShareStreamAsync(new MemoryStream(plaintext), "daily/orders.csv");

        Assert.That(bodies.Keys, Is.EquivalentTo(new[] { receipt.Files[0].Key, receipt.ManifestKey }));
        Assert.That(TestKeys.Decrypt(bodies[receipt.Files[0].Key], TestKeys.Receiver).Plaintext, Is.EqualTo(plaintext));
        Assert.That(bodies[receipt.Files[0].Key].AsSpan().IndexOf("customer-1,"u8), Is.EqualTo(-1), "no plaintext in the body");
    }

    [Test]
    public async Task ShareStreamAsync_ManifestUploadedLast()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        var order = new List<string>();
        s3.Setup(x => x.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()))
            .Callback<PutObjectRequest, CancellationToken>((request, _) => order.Add(request.Key))
            .ReturnsAsync(new PutObjectResponse());
        var client = Client(new OpenPgpEncryptor(TestKeys.Recipients(TestKeys.Receiver), OpenPgpCompression.None), s3.Object, TestKeys.Receiver);

        var receipt = await client.ShareStreamAsync(new MemoryStream(TestData.Csv(5)), "a.csv");

        Assert.That(order, Is.EqualTo(new[] { receipt.Files[0].Key, receipt.ManifestKey }));
    }

    [Test]
    public async Task AuthorizeAsync_KeyOutsidePrefix_Refused()
    {
        var policy = Policy(TestKeys.Receiver);

        var error = await Assert.ThrowsAsync<SharePolicyException>(() =>
            policy.AuthorizeAsync("partners/other/x.gpg", new Dictionary<string, string>(), new MemoryStream(), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("outside the configured prefix 'partners/acme/'"));
    }

    [TestCase("partners/acme/../other/x.gpg")]
    [TestCase("partners/acme/./x.gpg")]
    [TestCase("partners/acme//x.gpg")]
    [TestCase("/partners/acme/x.gpg")]
    [TestCase("partners/acme/a\\..\\x.gpg")]
    [TestCase("partners/acme/a\u0000.gpg")]
    [TestCase("partners/acme/a.csv")]
    [TestCase("partners/acme/a.csv.encrypted")]
    public async Task AuthorizeAsync_KeyWithTraversalOrBadCharacters_Refused(string key)
    {
        var policy = Policy(TestKeys.Receiver);
        var goodMessage = await OpenPgpMessageRuleTests.EncryptAsync(TestKeys.Receiver);

        var error = await Assert.ThrowsAsync<SharePolicyException>(() =>
            policy.AuthorizeAsync(key, new Dictionary<string, string>(), new MemoryStream(goodMessage), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("object key"), "refused for the key, not the body");
    }

    [Test]
    public async Task AuthorizeAsync_AllowedMessage_RequestNamesTheConfiguredBucketAndReplaysTheBody()
    {
        var message = await OpenPgpMessageRuleTests.EncryptAsync(TestKeys.Receiver);

        var request = await Policy(TestKeys.Receiver).AuthorizeAsync("partners/acme/x.gpg", new Dictionary<string, string>(), new MemoryStream(message), CancellationToken.None);
        using var replay = new MemoryStream();
        await request.Body.CopyToAsync(replay);

        Assert.That((request.Bucket, request.Key), Is.EqualTo(("inbox", "partners/acme/x.gpg")));
        Assert.That(replay.ToArray(), Is.EqualTo(message), "the inspected head and the rest arrive intact");
    }

    [Test]
    public async Task AuthorizeAsync_Refusal_LogsTheDecisionNotThePayload()
    {
        var logger = new ListLogger();
        var policy = new SharePolicy("default", "inbox", "partners/acme", new OpenPgpMessageRule(TestKeys.Recipients(TestKeys.Receiver), []), null, logger);

        await Assert.ThrowsAsync<SharePolicyException>(() =>
            policy.AuthorizeAsync("partners/acme/x.gpg", new Dictionary<string, string>(), new MemoryStream("SECRET-ROW,42"u8.ToArray()), CancellationToken.None));

        Assert.That(logger.Entries, Has.Count.EqualTo(1));
        Assert.That(logger.Entries[0].Message, Does.Contain("refused").And.Not.Contain("SECRET-ROW"));
    }

    private static SharePolicy Policy(OpenPgpGeneratedKey key) => PolicyTestClients.Policy(key);

    private static ShareClient Client(IEncryptor encryptor, IAmazonS3 s3, OpenPgpGeneratedKey pinned) =>
        PolicyTestClients.Client(encryptor, new S3Uploader(s3, ownsClient: false, new S3StoreOptions { MultipartThreshold = Threshold, PartSize = Threshold }, NullLogger.Instance), pinned);
}
