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
    public async Task ShareWithProfile_KeyInProfileSwapped_Exits3()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", [1]);
        var init = await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--pgp-key", key, "--out", work.Combine("p.json")]);
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
        await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--pgp-key", key, "--out", work.Combine("p.json")]);

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
