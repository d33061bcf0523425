using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.Kms;

/// <summary>
/// Data-key reuse, counted on the local KMS endpoint: a share costs one GenerateDataKey and a receive one Decrypt,
/// within the message, byte and age bounds, never across shares; each message still has its own message id.
/// </summary>
[TestFixture]
public sealed class KmsDataKeyReuseTests
{
    private const int Frame = 4096;

    [Test]
    public async Task ShareAsync_FiveFiles_MakesOneGenerateDataKeyCall()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var folder = FiveFiles();
        await using var provider = Provider(folder, key);

        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync([folder.Combine("in")]);

        Assert.That(receipt.Files, Has.Count.EqualTo(5));
        Assert.That(Count(key, "GenerateDataKey"), Is.EqualTo(1));
    }

    [Test]
    public async Task ReceiveShareAsync_FiveFilesSharingOneDataKey_MakesOneDecryptCallAndWritesIdenticalBytes()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var folder = FiveFiles();
        await using var provider = Provider(folder, key);
        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync([folder.Combine("in")]);

        var received = await provider.GetRequiredService<IReceiveClient>().ReceiveShareAsync(receipt.ShareId, folder.Combine("out"));

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(Count(key, "Decrypt"), Is.EqualTo(1));
        for (var i = 0; i < 5; i++)
        {
            Assert.That(await File.ReadAllBytesAsync(folder.Combine($"out/{receipt.ShareId}/f{i}.csv")), Is.EqualTo(Content(i)));
        }
    }

    [TestCase(1, 6)]
    [TestCase(2, 3)]
    [TestCase(6, 1)]
    public async Task ShareAsync_MaxMessagesPerDataKey_BoundsTheReuse(long maxMessages, int expectedCalls)
    {
        // Five files and the manifest: six messages.
        var key = LocalKmsServer.Instance.CreateKey();
        using var folder = FiveFiles();
        await using var provider = Provider(folder, key, o => o.MaxMessagesPerDataKey = maxMessages);

        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync([folder.Combine("in")]);
        var received = await provider.GetRequiredService<IReceiveClient>().ReceiveShareAsync(receipt.ShareId, folder.Combine("out"));

        Assert.That(Count(key, "GenerateDataKey"), Is.EqualTo(expectedCalls));
        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(Count(key, "Decrypt"), Is.EqualTo(expectedCalls), "one Decrypt per distinct encrypted data key");
    }

    [Test]
    public async Task ShareAsync_TwoShares_NeverShareADataKey()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var folder = FiveFiles();
        await using var provider = Provider(folder, key);
        var client = provider.GetRequiredService<IShareClient>();

        var first = await client.ShareAsync([folder.Combine("in/f0.csv")]);
        var second = await client.ShareAsync([folder.Combine("in/f0.csv")]);

        Assert.That(Count(key, "GenerateDataKey"), Is.EqualTo(2));
        var generated = LocalKmsServer.Instance.CallsFor(key).Where(c => c.Operation == "GenerateDataKey").Select(c => c.EncryptionContext["s3s2:share-id"]);
        Assert.That(generated, Is.EquivalentTo(new[] { first.ShareId, second.ShareId }));
    }

    [Test]
    public async Task EncryptAsync_MessagesSharingADataKey_HaveTheirOwnMessageIdAndCommitment()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var kms = LocalKmsServer.Instance.CreateClient();
        using var encryptor = Encryptor(kms, key, new KmsDataKeyCache(10, long.MaxValue, TimeSpan.FromMinutes(5), TimeProvider.System));

        var first = EsdkHeader.TryParse(await EncryptAsync(encryptor, Content(1)), out _)!;
        var second = EsdkHeader.TryParse(await EncryptAsync(encryptor, Content(1)), out _)!;

        Assert.That(second.EncryptedDataKeys.Single().Ciphertext, Is.EqualTo(first.EncryptedDataKeys.Single().Ciphertext), "one data key");
        Assert.That(second.MessageId, Is.Not.EqualTo(first.MessageId));
        Assert.That(second.CommitKey, Is.Not.EqualTo(first.CommitKey), "a derived key per message");
    }

    [Test]
    public async Task EncryptAsync_DataKeyOlderThanMaxAge_AsksKmsAgain()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var kms = LocalKmsServer.Instance.CreateClient();
        var clock = new FixedClock(DateTimeOffset.Parse("2026-11-30T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var encryptor = Encryptor(kms, key, new KmsDataKeyCache(100, long.MaxValue, TimeSpan.FromMinutes(5), clock));

        await EncryptAsync(encryptor, Content(1));
        clock.Now += TimeSpan.FromMinutes(4);
        await EncryptAsync(encryptor, Content(1));
        Assert.That(Count(key, "GenerateDataKey"), Is.EqualTo(1), "within the age bound");
        clock.Now += TimeSpan.FromMinutes(1);
        await EncryptAsync(encryptor, Content(1));

        Assert.That(Count(key, "GenerateDataKey"), Is.EqualTo(2));
    }

    [Test]
    public async Task EncryptAsync_MaxBytesReached_NextMessageGetsANewDataKey()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var kms = LocalKmsServer.Instance.CreateClient();
        using var encryptor = Encryptor(kms, key, new KmsDataKeyCache(100, 10_000, TimeSpan.FromMinutes(5), TimeProvider.System));

        var small = EsdkHeader.TryParse(await EncryptAsync(encryptor, new byte[6_000]), out _)!;
        var reaching = EsdkHeader.TryParse(await EncryptAsync(encryptor, new byte[4_000]), out _)!;
        var after = EsdkHeader.TryParse(await EncryptAsync(encryptor, new byte[10]), out _)!;

        Assert.That(reaching.EncryptedDataKeys.Single().Ciphertext, Is.EqualTo(small.EncryptedDataKeys.Single().Ciphertext), "6,000 bytes were under the bound when the second message started");
        Assert.That(after.EncryptedDataKeys.Single().Ciphertext, Is.Not.EqualTo(small.EncryptedDataKeys.Single().Ciphertext));
        Assert.That(Count(key, "GenerateDataKey"), Is.EqualTo(2));
    }

    [Test]
    public async Task EncryptAsync_ConcurrentMessages_WaitForOneKmsCall()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var kms = LocalKmsServer.Instance.CreateClient();
        using var encryptor = Encryptor(kms, key, new KmsDataKeyCache(100, long.MaxValue, TimeSpan.FromMinutes(5), TimeProvider.System));

        var messages = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => EncryptAsync(encryptor, Content(i)))));

        Assert.That(LocalKmsServer.Instance.CallsFor(key).Select(c => c.InvocationId), Is.All.Not.Null, "the SDK names each call");
        Assert.That(Count(key, "GenerateDataKey"), Is.EqualTo(1));
        for (var i = 0; i < messages.Length; i++)
        {
            Assert.That(await KmsTestMessages.DecryptAsync(messages[i], [key]), Is.EqualTo(Content(i)));
        }
    }

    [Test]
    public async Task EncryptAsync_KmsRefusesOnce_IsNotCachedAndTheNextMessageAsksAgain()
    {
        var key = LocalKmsServer.Instance.CreateKey(enabled: false);
        using var kms = LocalKmsServer.Instance.CreateClient();
        using var encryptor = Encryptor(kms, key, new KmsDataKeyCache(100, long.MaxValue, TimeSpan.FromMinutes(5), TimeProvider.System));

        await Assert.ThrowsAsync<EncryptionKeyException>(() => EncryptAsync(encryptor, Content(1)));
        LocalKmsServer.Instance.SetEnabled(key, true);
        var message = await EncryptAsync(encryptor, Content(1));

        Assert.That(await KmsTestMessages.DecryptAsync(message, [key]), Is.EqualTo(Content(1)));
        Assert.That(Count(key, "GenerateDataKey"), Is.EqualTo(2));
    }

    [Test]
    public async Task AcquireAsync_KmsAnswersSlowerThanTheAgeBound_UsesTheAnswerOnceInsteadOfAskingForever()
    {
        var clock = new FixedClock(DateTimeOffset.Parse("2026-11-30T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var cache = new KmsDataKeyCache(100, long.MaxValue, TimeSpan.FromSeconds(1), clock);
        var calls = 0;
        Task<KmsEncryptionMaterials> SlowKms(CancellationToken token)
        {
            calls++;
            clock.Now += TimeSpan.FromSeconds(5);
            return Task.FromResult(new KmsEncryptionMaterials([.. Enumerable.Repeat((byte)7, 32)], [], new Dictionary<string, string>(), null));
        }

        using var lease = await cache.AcquireAsync("context", SlowKms, CancellationToken.None);

        Assert.That(calls, Is.EqualTo(1));
        Assert.That(lease.DataKey, Is.EqualTo(Enumerable.Repeat((byte)7, 32)));
    }

    private static int Count(string key, string operation) => LocalKmsServer.Instance.CallsFor(key).Count(c => c.Operation == operation);

    private static byte[] Content(int i) => TestData.Random(1000 + (i * 3000), seed: 40 + i);

    private static TempDirectory FiveFiles()
    {
        var folder = new TempDirectory();
        for (var i = 0; i < 5; i++)
        {
            folder.WriteFile($"in/f{i}.csv", Content(i));
        }

        return folder;
    }

    private static KmsEnvelopeEncryptor Encryptor(Amazon.KeyManagementService.IAmazonKeyManagementService kms, string key, KmsDataKeyCache cache) =>
        new(kms, ownsClient: false, [key], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, Frame, new Dictionary<string, string>(), cache);

    private static async Task<byte[]> EncryptAsync(KmsEnvelopeEncryptor encryptor, byte[] plaintext)
    {
        using var ciphertext = new MemoryStream();
        await encryptor.EncryptAsync(new MemoryStream(plaintext), ciphertext, new EncryptionContext("20261130T090000000Z-0a1b2c3d", "f.csv"));
        return ciphertext.ToArray();
    }

    private static ServiceProvider Provider(TempDirectory folder, string key, Action<KmsEnvelopeEncryptionOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Prefix = "partners/kms")
            .AddKmsEnvelopeEncryption(o =>
            {
                o.KeyIds.Add(key);
                o.ServiceUrl = LocalKmsServer.Instance.Endpoint;
                o.Credentials = LocalKmsServer.Credentials;
                o.FrameLength = Frame;
                configure?.Invoke(o);
            })
            .AddLocalFolderStore(folder.Combine("store"))
            .AddReceiving(o =>
            {
                o.KmsServiceUrl = LocalKmsServer.Instance.Endpoint;
                o.KmsCredentials = LocalKmsServer.Credentials;
                o.AllowedKmsKeyIds.Add(key);
            });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
