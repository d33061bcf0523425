using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Tests.Profiles;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests.Storage;

/// <summary>
/// Cross-account partners: a profile names a role in the receiver's account; the partner's own credentials assume it
/// through STS (moto's, reached through a recording proxy on 127.0.0.1) and the role's temporary key signs every upload.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed partial class AssumedRoleTests
{
    private const string RoleArn = "arn:aws:iam::" + LocalMotoServer.AccountId + ":role/BigDataRider";

    [Test]
    public async Task ShareAsync_ProfileWithRole_UploadsSignedWithTheAssumedRolesKeyAndBytesLandInS3()
    {
        var moto = LocalMotoServer.Instance;
        var bucket = await moto.CreateBucketAsync();
        using var proxy = new FaultProxy(moto.Endpoint, WireFault.InternalError, _ => false, times: 0);
        var profile = ShareProfileSerializerTests.Valid();
        profile.Bucket = bucket;
        profile.Region = LocalMotoServer.Region;
        profile.ServiceUrl = proxy.Endpoint;
        profile.AssumeRole = new ShareProfileRole { RoleArn = RoleArn, ExternalId = "acme-7d1f", SessionName = "bigdatarider-nightly" };
        var content = TestData.Csv(300);

        // STS is reached as the AWS SDK is configured; the standard variable points it at moto through the proxy.
        var previous = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_STS");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_STS", proxy.Endpoint);
        try
        {
            var services = new ServiceCollection();
            services.AddS3S2Sharing().UseProfile(new MemoryStream(ShareProfileSerializerTests.Serialize(profile)));
            services.Configure<S3StoreOptions>(ShareClientOptions.DefaultName, o => o.Credentials = LocalMotoServer.Credentials);
            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

            var receipt = await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(content), "orders.csv");

            var requests = proxy.RequestHeads.Select(h => (Line: h[..h.IndexOf('\r', StringComparison.Ordinal)], AccessKey: AccessKeyOf(h), Token: h.Contains("\r\nX-Amz-Security-Token:", StringComparison.OrdinalIgnoreCase))).ToList();
            var assumeRole = requests.Where(r => r.Line.StartsWith("POST / ", StringComparison.Ordinal)).ToList();
            var puts = requests.Where(r => r.Line.StartsWith($"PUT /{bucket}/", StringComparison.Ordinal)).ToList();
            Assert.That(assumeRole, Has.Count.EqualTo(1), "one AssumeRole call, credentials reused for the whole share");
            Assert.That(assumeRole[0].AccessKey, Is.EqualTo(LocalMotoServer.AccessKey), "the partner's own key calls STS");
            Assert.That(puts, Has.Count.EqualTo(2), "the file and the manifest");
            Assert.That(puts.Select(p => p.AccessKey).Distinct().Single(), Does.StartWith("ASIA").And.Not.EqualTo(LocalMotoServer.AccessKey), "the role's temporary key signs the uploads");
            Assert.That(puts.Select(p => p.Token), Is.All.True, "temporary credentials carry their session token");
            using var s3 = moto.CreateS3Client();
            using var stored = await s3.GetObjectAsync(bucket, receipt.Files[0].Key);
            using var bytes = new MemoryStream();
            await stored.ResponseStream.CopyToAsync(bytes);
            Assert.That(TestKeys.Decrypt(bytes.ToArray(), TestKeys.Receiver).Plaintext, Is.EqualTo(content));
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_STS", previous);
        }
    }

    [Test]
    public void CreateClient_MalformedRoleSettings_ListsEveryProblemWithTheFix()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => (o.Bucket, o.Prefix) = ("awesomeai-inbox", "partners/bigdatarider"))
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(S3S2.Sharing.Encryption.OpenPgp.OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))
            .AddS3Store(o =>
            {
                o.RoleArn = "arn:aws:iam::12345:user/BigDataRider";
                o.RoleSessionName = "a session with spaces";
                o.RoleExternalId = "x";
            });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Failures, Has.Some.Contains("RoleArn 'arn:aws:iam::12345:user/BigDataRider' is not an IAM role ARN").And.Some.Contains("arn:aws:iam::111122223333:role/"));
        Assert.That(error.Failures, Has.Some.Contains("RoleSessionName 'a session with spaces' must be 2 to 64 characters"));
        Assert.That(error.Failures, Has.Some.Contains("RoleExternalId must be 2 to 1224 characters"));
        Assert.That(string.Join("\n", error.Failures), Does.Not.Contain("'x'"), "the external id is not echoed");
    }

    [Test]
    public void CreateClient_RoleDetailsWithoutRoleArn_AreRefusedRatherThanIgnored()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => (o.Bucket, o.Prefix) = ("awesomeai-inbox", "partners/bigdatarider"))
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(S3S2.Sharing.Encryption.OpenPgp.OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))
            .AddS3Store(o => o.RoleExternalId = "acme-7d1f");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Message, Does.Contain("RoleExternalId or RoleSessionName is set without RoleArn"));
    }

    [Test]
    public void UseProfile_RoleArnMalformed_RefusedWhenTheProfileIsRead()
    {
        var profile = ShareProfileSerializerTests.Valid();
        profile.AssumeRole = new ShareProfileRole { RoleArn = "BigDataRider" };
        var services = new ServiceCollection();

        var error = Assert.Throws<ShareProfileException>(() => services.AddS3S2Sharing().UseProfile(new MemoryStream(ShareProfileSerializerTests.Serialize(profile))));

        Assert.That(error!.Message, Does.Contain("assumeRole.roleArn 'BigDataRider' is not an IAM role ARN"));
    }

    [Test]
    public void AddS3S2Sharing_ConfigurationNamesARole_BindsItIntoTheS3Options()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["S3S2:Bucket"] = "awesomeai-inbox",
                ["S3S2:Prefix"] = "partners/bigdatarider",
                ["S3S2:S3:Region"] = "eu-west-1",
                ["S3S2:S3:RoleArn"] = RoleArn,
                ["S3S2:S3:RoleExternalId"] = "acme-7d1f",
                ["S3S2:S3:RoleSessionName"] = "bigdatarider-nightly",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddS3S2Sharing(configuration.GetSection("S3S2"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<S3StoreOptions>>().Get(ShareClientOptions.DefaultName);

        Assert.That((options.RoleArn, options.RoleExternalId, options.RoleSessionName), Is.EqualTo((RoleArn, "acme-7d1f", "bigdatarider-nightly")));
    }

    /// <summary>The access key that signed a request, from its head as the proxy recorded it.</summary>
    internal static string? AccessKeyOf(string head) => CredentialPattern().Match(head) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"\r\nAuthorization: AWS4-HMAC-SHA256 Credential=([^/]+)/", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialPattern();
}
