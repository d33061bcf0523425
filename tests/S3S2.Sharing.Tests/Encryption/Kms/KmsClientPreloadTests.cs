using Amazon.KeyManagementService;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.Tests.Encryption.Kms;

/// <summary>
/// <see cref="KmsEnvelopeEncryptionOptions.Preload"/> and <see cref="ReceiveClientOptions.PreloadKms"/>: the client built
/// ahead is taken only by an encryptor (or a receiver) with the same endpoint and region, and one never taken is dropped. The clients here never send a request (their endpoints
/// are made up); that the share's KMS calls are unchanged is shown by the CLI tests against the local KMS endpoint.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KmsClientPreloadTests
{
    private const string KeyArn = "arn:aws:kms:eu-west-1:111122223333:key/0c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5";

    [Test]
    public void CreateDeferred_AfterPreloadWithTheSameEndpoint_TakesThePreloadedClient()
    {
        var url = UniqueUrl();
        Preload(url);

        var (client, abandon) = KmsClientFactory.CreateDeferred(url, "eu-west-1", credentials: null);

        Assert.That(abandon is not null, Is.True, "the preloaded client is claimed");
        using var kms = (AmazonKeyManagementServiceClient)client.Value;
        Assert.That(kms.Config.ServiceURL, Does.StartWith(url));
        Assert.That(kms.Config.AuthenticationRegion, Is.EqualTo("eu-west-1"));

        var (again, abandonAgain) = KmsClientFactory.CreateDeferred(url, "eu-west-1", credentials: null);
        Assert.That(abandonAgain is null, Is.True, "a preloaded client is taken once");
        again.Value.Dispose();
    }

    [Test]
    public void CreateDeferred_OtherEndpointOrCredentials_BuildsItsOwnClientAndLeavesThePreload()
    {
        var url = UniqueUrl();
        Preload(url);

        var (other, otherAbandon) = KmsClientFactory.CreateDeferred(UniqueUrl(), "eu-west-1", credentials: null);
        var (withCredentials, credentialsAbandon) = KmsClientFactory.CreateDeferred(url, "eu-west-1", new Amazon.Runtime.BasicAWSCredentials("AKID", "secret"));
        var (preloaded, abandon) = KmsClientFactory.CreateDeferred(url, "eu-west-1", credentials: null);

        Assert.Multiple(() =>
        {
            Assert.That(otherAbandon is null, Is.True);
            Assert.That(credentialsAbandon is null, Is.True);
            Assert.That(abandon is not null, Is.True);
            Assert.That(other.Value.Config.ServiceURL, Does.Not.StartWith(url));
        });
        other.Value.Dispose();
        withCredentials.Value.Dispose();
        preloaded.Value.Dispose();
    }

    [Test]
    public void Dispose_EncryptorWhosePreloadedClientWasNeverUsed_DropsItAndTheNextEncryptorBuildsItsOwn()
    {
        var url = UniqueUrl();
        Preload(url);
        var (client, abandon) = KmsClientFactory.CreateDeferred(url, "eu-west-1", credentials: null);
        var encryptor = new KmsEnvelopeEncryptor(client, ownsClient: true, abandon, [KeyArn], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, new Dictionary<string, string>());

        Assert.DoesNotThrow(encryptor.Dispose);
        Assert.That(client.IsValueCreated, Is.False, "disposing does not wait for the client to be used");
        var (next, nextAbandon) = KmsClientFactory.CreateDeferred(url, "eu-west-1", credentials: null);
        Assert.That(nextAbandon is null, Is.True);
        next.Value.Dispose();
    }

    [Test]
    public void Preload_WithCredentialsOrCanceled_StartsNothing()
    {
        var url = UniqueUrl();
        var withCredentials = new KmsEnvelopeEncryptionOptions { ServiceUrl = url, Region = "eu-west-1", Credentials = new Amazon.Runtime.BasicAWSCredentials("AKID", "secret") };
        withCredentials.KeyIds.Add(KeyArn);
        withCredentials.Preload();
        var canceled = new KmsEnvelopeEncryptionOptions { ServiceUrl = url, Region = "eu-west-1" };
        canceled.KeyIds.Add(KeyArn);
        canceled.Preload(new CancellationToken(canceled: true));

        var (client, abandon) = KmsClientFactory.CreateDeferred(url, "eu-west-1", credentials: null);

        Assert.That(abandon is null, Is.True);
        client.Value.Dispose();
    }

    [Test]
    public void CreateOrTakePreloaded_AfterReceiverPreloadWithTheSameEndpointAndRegion_TakesItOnce()
    {
        var url = UniqueUrl();
        var options = new ReceiveClientOptions { KmsServiceUrl = url };
        options.AllowedKmsKeyIds.Add(KeyArn);
        options.PreloadKms();

        using var taken = KmsClientFactory.CreateOrTakePreloaded(url, "eu-west-1", credentials: null);
        var (next, nextAbandon) = KmsClientFactory.CreateDeferred(url, "eu-west-1", credentials: null);

        Assert.Multiple(() =>
        {
            Assert.That(taken.Config.ServiceURL, Does.StartWith(url));
            Assert.That(taken.Config.AuthenticationRegion, Is.EqualTo("eu-west-1"), "the region of the allowed key's ARN");
            Assert.That(nextAbandon is null, Is.True, "the preloaded client was taken by the receiver");
        });
        next.Value.Dispose();
    }

    [Test]
    public void CreateOrTakePreloaded_OtherEndpointRegionOrCredentials_BuildsItsOwnAndLeavesThePreload()
    {
        var url = UniqueUrl();
        var options = new ReceiveClientOptions { KmsServiceUrl = url };
        options.AllowedKmsKeyIds.Add(KeyArn);
        options.PreloadKms();

        using var other = KmsClientFactory.CreateOrTakePreloaded(UniqueUrl(), "eu-west-1", credentials: null);
        using var otherRegion = KmsClientFactory.CreateOrTakePreloaded(url, "us-east-1", credentials: null);
        using var withCredentials = KmsClientFactory.CreateOrTakePreloaded(url, "eu-west-1", new Amazon.Runtime.BasicAWSCredentials("AKID", "secret"));
        var (preloaded, abandon) = KmsClientFactory.CreateDeferred(url, "eu-west-1", credentials: null);

        Assert.Multiple(() =>
        {
            Assert.That(other.Config.ServiceURL, Does.Not.StartWith(url));
            Assert.That(otherRegion.Config.AuthenticationRegion, Is.EqualTo("us-east-1"));
            Assert.That(abandon is not null, Is.True, "the preload is still there for its own endpoint and region");
        });
        preloaded.Value.Dispose();
    }

    [Test]
    public void PreloadKms_WithCredentialsWithoutKeyOrCanceled_StartsNothing()
    {
        var url = UniqueUrl();
        var withCredentials = new ReceiveClientOptions { KmsServiceUrl = url, KmsCredentials = new Amazon.Runtime.BasicAWSCredentials("AKID", "secret") };
        withCredentials.AllowedKmsKeyIds.Add(KeyArn);
        withCredentials.PreloadKms();
        var accountOnly = new ReceiveClientOptions { KmsServiceUrl = url };
        accountOnly.AllowedKmsAccountIds.Add("111122223333");
        accountOnly.PreloadKms();
        var canceled = new ReceiveClientOptions { KmsServiceUrl = url };
        canceled.AllowedKmsKeyIds.Add(KeyArn);
        canceled.PreloadKms(new CancellationToken(canceled: true));

        var (client, abandon) = KmsClientFactory.CreateDeferred(url, "eu-west-1", credentials: null);

        Assert.That(abandon is null, Is.True);
        client.Value.Dispose();
    }

    private static void Preload(string url)
    {
        var options = new KmsEnvelopeEncryptionOptions { ServiceUrl = url, Region = "eu-west-1" };
        options.KeyIds.Add(KeyArn);
        options.Preload();
    }

    /// <summary>An endpoint nothing listens on (port 9, discard), unique per test so no preload is taken by another.</summary>
    private static string UniqueUrl() => $"http://127.0.0.1:9/{Guid.NewGuid():N}/";
}
