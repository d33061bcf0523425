using System.Text;
using System.Text.Json.Nodes;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Cli;

/// <summary>The receiver writes a profile with <c>s3s2 init</c>; the partner shares with it in one command.</summary>
[TestFixture]
[Category("Cli")]
public sealed class InitCommandTests
{
    [Test]
    public async Task InitThenShareWithProfile_SharesToTheProfilesPrefix()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("data/a.csv", TestData.Csv(5));

        var init = await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--prefix", "partners/acme", "--pgp-key", key, "--expire-days", "30", "--out", work.Combine("acme.profile.json")]);
        var share = await S3S2Program.RunAsync(["share", work.Combine("data"), "--profile", work.Combine("acme.profile.json"), "--to", work.Combine("store"), "--json"]);

        Assert.That(init.ExitCode, Is.Zero, init.StandardError);
        Assert.That(init.StandardOutput, Does.Contain(TestKeys.Receiver.Fingerprint));
        Assert.That(share.ExitCode, Is.Zero, share.StandardError);
        Assert.That(JsonNode.Parse(share.StandardOutput)!["manifestKey"]!.GetValue<string>(), Does.StartWith("partners/acme/"));
    }

    [Test]
    [Category("Integration")]
    [NonParallelizable]
    public async Task InitWithRoleArnThenShare_UploadsWithTheAssumedRolesKeyAndReceivesTheSameBytes()
    {
        const string RoleArn = "arn:aws:iam::" + LocalMotoServer.AccountId + ":role/BigDataRider";
        using var work = new TempDirectory();
        var moto = LocalMotoServer.Instance;
        var bucket = await moto.CreateBucketAsync();

        // Every S3 and STS request of the partner goes through a recording proxy, so the signing key of each is seen on the wire.
        using var proxy = new FaultProxy(moto.Endpoint, WireFault.InternalError, _ => false, times: 0);
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var secret = work.WriteFile("receiver.sec.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.SecretKeyArmored));
        var content = TestData.Csv(400);
        var input = work.WriteFile("data/orders.csv", content);
        var partner = new Dictionary<string, string?>(LocalMotoServer.ProgramEnvironment) { ["AWS_ENDPOINT_URL_STS"] = proxy.Endpoint };

        var init = await S3S2Program.RunAsync(["init", "--bucket", bucket, "--prefix", "partners/acme", "--region", LocalMotoServer.Region, "--endpoint", proxy.Endpoint, "--pgp-key", key,
            "--role-arn", RoleArn, "--role-external-id", "acme-7d1f", "--role-session-name", "acme-nightly", "--out", work.Combine("acme.profile.json")]);
        var share = await S3S2Program.RunAsync(["share", input, "--profile", work.Combine("acme.profile.json"), "--json"], partner);
        var receive = await S3S2Program.RunAsync(["receive", "--bucket", bucket, "--endpoint", moto.Endpoint, "--prefix", "partners/acme", "--out", work.Combine("out"), "--pgp-secret-key", secret], LocalMotoServer.ProgramEnvironment);

        Assert.That(init.ExitCode, Is.Zero, init.StandardError);
        Assert.That(init.StandardOutput, Does.Contain($"partner assumes role {RoleArn} (with external id)").And.Not.Contain("acme-7d1f"));
        var role = JsonNode.Parse(await File.ReadAllTextAsync(work.Combine("acme.profile.json")))!["assumeRole"]!;
        Assert.That((role["roleArn"]!.GetValue<string>(), role["externalId"]!.GetValue<string>(), role["sessionName"]!.GetValue<string>()), Is.EqualTo((RoleArn, "acme-7d1f", "acme-nightly")));
        Assert.That(share.ExitCode, Is.Zero, share.StandardError);
        var requests = proxy.RequestHeads.Select(h => (Line: h[..h.IndexOf('\r', StringComparison.Ordinal)], AccessKey: Storage.AssumedRoleTests.AccessKeyOf(h), Token: h.Contains("\r\nX-Amz-Security-Token:", StringComparison.OrdinalIgnoreCase))).ToList();
        var assumeRole = requests.Where(r => r.Line.StartsWith("POST / ", StringComparison.Ordinal)).ToList();
        var puts = requests.Where(r => r.Line.StartsWith($"PUT /{bucket}/", StringComparison.Ordinal)).ToList();
        Assert.That(assumeRole.Select(r => r.AccessKey), Is.EqualTo(new[] { LocalMotoServer.AccessKey }), "one AssumeRole call, made with the partner's own key");
        Assert.That(puts, Has.Count.EqualTo(2), "the file and the manifest");
        Assert.That(puts.Select(p => p.AccessKey).Distinct().Single(), Does.StartWith("ASIA").And.Not.EqualTo(LocalMotoServer.AccessKey), "the role's temporary key signs the uploads");
        Assert.That(puts.Select(p => p.Token), Is.All.True, "temporary credentials carry their session token");
        Assert.That(receive.ExitCode, Is.Zero, receive.StandardError);
        var shareId = JsonNode.Parse(share.StandardOutput)!["shareId"]!.GetValue<string>();
        Assert.That(await File.ReadAllBytesAsync(work.Combine("out", shareId, "orders.csv")), Is.EqualTo(content));
    }

    [Test]
    public async Task Init_NoPrefixNorPartner_Exits2NamingThemAndWritesNothing()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));

        var init = await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--pgp-key", key, "--out", work.Combine("p.json")]);

        Assert.That(init.ExitCode, Is.EqualTo(2), init.StandardError);
        Assert.That(init.StandardError, Does.Contain("Give --prefix P (for example partners/bigdatarider) or --partner NAME").And.Contain("give --prefix /"));
        Assert.That(File.Exists(work.Combine("p.json")), Is.False);
    }

    [Test]
    public async Task InitWithPrefixSlash_SharesAtTheTopOfTheBucketOnPurpose()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", TestData.Csv(2));

        var init = await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--prefix", "/", "--pgp-key", key, "--out", work.Combine("p.json")]);
        var share = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--profile", work.Combine("p.json"), "--to", work.Combine("store"), "--json"]);

        Assert.That(init.ExitCode, Is.Zero, init.StandardError);
        Assert.That(share.ExitCode, Is.Zero, share.StandardError);
        var manifestKey = JsonNode.Parse(share.StandardOutput)!["manifestKey"]!.GetValue<string>();
        Assert.That(manifestKey, Does.Not.Contain('/'));
        Assert.That(File.Exists(work.Combine("store", manifestKey)), Is.True);
    }

    [Test]
    public async Task Init_RoleDetailsWithoutRoleArn_Exits2AndWritesNothing()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));

        var init = await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--prefix", "p", "--pgp-key", key, "--role-external-id", "acme-7d1f", "--out", work.Combine("p.json")]);

        Assert.That(init.ExitCode, Is.EqualTo(2), init.StandardError);
        Assert.That(init.StandardError, Does.Contain("--role-external-id and --role-session-name go with --role-arn ARN"));
        Assert.That(File.Exists(work.Combine("p.json")), Is.False);
    }

    [TestCase("BigDataRider", "assumeRole.roleArn 'BigDataRider' is not an IAM role ARN")]
    [TestCase("arn:aws:iam::123456789012:user/BigDataRider", "is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)")]
    public async Task Init_MalformedRoleArn_Exits2NamingTheFieldAndWritesNothing(string roleArn, string expected)
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));

        var init = await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--prefix", "p", "--pgp-key", key, "--role-arn", roleArn, "--role-session-name", "a b", "--out", work.Combine("p.json")]);

        Assert.That(init.ExitCode, Is.EqualTo(2), init.StandardError);
        Assert.That(init.StandardError, Does.Contain(expected).And.Contain("assumeRole.sessionName 'a b' must be 2 to 64 characters"));
        Assert.That(File.Exists(work.Combine("p.json")), Is.False);
    }

    [Test]
    public async Task ShareWithProfile_KeyInProfileSwapped_Exits3()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", [1]);
        var init = await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--prefix", "p", "--pgp-key", key, "--out", work.Combine("p.json")]);
        Assert.That(init.ExitCode, Is.Zero, init.StandardError);
        var profile = JsonNode.Parse(await File.ReadAllTextAsync(work.Combine("p.json")))!;
        profile["encryption"]!["openPgpKeys"]![0]!["publicKey"] = TestKeys.Attacker.PublicKeyArmored;
        await File.WriteAllTextAsync(work.Combine("p.json"), profile.ToJsonString());

        var share = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--profile", work.Combine("p.json"), "--to", work.Combine("store")]);

        Assert.That(share.ExitCode, Is.EqualTo(3), share.StandardError);
        Assert.That(share.StandardError, Does.Contain("altered"));
        Assert.That(Directory.Exists(work.Combine("store")), Is.False);
    }

    [Test]
    public async Task ShareWithProfile_OtherKeyOnTheCommandLine_CannotOverrideThePin()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var other = work.WriteFile("other.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Attacker.PublicKeyArmored));
        work.WriteFile("a.csv", [1]);
        await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--prefix", "p", "--pgp-key", key, "--out", work.Combine("p.json")]);

        var share = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--profile", work.Combine("p.json"), "--pgp-key", other, "--to", work.Combine("store")]);

        Assert.That(share.ExitCode, Is.EqualTo(3), share.StandardError);
        Assert.That(share.StandardError, Does.Contain("do not match the pinned fingerprints"));
    }

    [Test]
    public async Task ShareWithDefaultProfileFromEnvironment_NeedsNoOtherFlag()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", [1]);
        await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--prefix", "p", "--pgp-key", key, "--out", work.Combine("p.json")]);

        var share = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--to", work.Combine("store"), "--json"], new Dictionary<string, string?> { ["S3S2_PROFILE"] = work.Combine("p.json") });

        Assert.That(share.ExitCode, Is.Zero, share.StandardError);
        Assert.That(JsonNode.Parse(share.StandardOutput)!["files"]![0]!["key"]!.GetValue<string>(), Does.StartWith("p/"));
    }
}
