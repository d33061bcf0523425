using System.Text;
using System.Text.Json.Nodes;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Cli;

/// <summary><c>s3s2 policy</c> prints the bucket policy and writes the lifecycle and partner documents; <c>s3s2 init --partner</c> matches its prefix.</summary>
[TestFixture]
[Category("Cli")]
public sealed class PolicyCommandTests
{
    private const string Rider = "arn:aws:iam::111122223333:role/BigDataRider";
    private const string Surfer = "arn:aws:iam::444455556666:role/CustomDataSurfer";
    private const string SurferKey = "arn:aws:kms:us-east-1:444455556666:key/99999999-2222-3333-4444-555555555555";

    [Test]
    public async Task Policy_WithOutputs_PrintsPolicyAndWritesLifecyclePartnerPoliciesAndKeyStatements()
    {
        using var work = new TempDirectory();

        var run = await S3S2Program.RunAsync(["policy", "--bucket", "awesomeai-inbox", "--partner", "BigDataRider=" + Rider, "--partner", "CustomDataSurfer=" + Surfer,
            "--partner-kms-key", "CustomDataSurfer=" + SurferKey, "--receiver-account", "123456789012", "--expire-days", "7",
            "--lifecycle-out", work.Combine("lifecycle.json"), "--partner-policies-out", work.Combine("partners")]);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        var policy = JsonNode.Parse(run.StandardOutput)!;
        Assert.That(policy["Statement"]!.AsArray().Select(s => s!["Sid"]!.GetValue<string>()), Does.Contain("Partner2CustomDataSurferDenyOtherKmsKey"));
        var lifecycle = JsonNode.Parse(await File.ReadAllTextAsync(work.Combine("lifecycle.json")))!;
        Assert.That(lifecycle["Rules"]![0]!["Expiration"]!["Days"]!.GetValue<int>(), Is.EqualTo(7));
        Assert.That(Directory.GetFiles(work.Combine("partners")).Select(Path.GetFileName), Is.EquivalentTo(new[]
        {
            "BigDataRider.iam-policy.json", "CustomDataSurfer.iam-policy.json", "CustomDataSurfer.partner-key-policy-statement.json",
        }));
        Assert.That(run.StandardError, Does.Contain("partner 'CustomDataSurfer' must add this statement").And.Contain("arn:aws:iam::123456789012:root"));
    }

    [Test]
    public async Task Policy_LifecycleFileExists_Exits2AndWritesNothing()
    {
        using var work = new TempDirectory();
        var existing = work.WriteFile("lifecycle.json", Encoding.ASCII.GetBytes("keep"));

        var run = await S3S2Program.RunAsync(["policy", "--bucket", "awesomeai-inbox", "--partner", "BigDataRider=" + Rider, "--lifecycle-out", existing, "--partner-policies-out", work.Combine("partners")]);

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.StandardError, Does.Contain("never overwritten"));
        Assert.That(await File.ReadAllTextAsync(existing), Is.EqualTo("keep"));
        Assert.That(Directory.Exists(work.Combine("partners")), Is.False);
        Assert.That(run.StandardOutput, Is.Empty);
    }

    [Test]
    public async Task Policy_WithQueueArn_WritesNotificationAndQueuePolicyFiles()
    {
        using var work = new TempDirectory();

        var run = await S3S2Program.RunAsync(["policy", "--bucket", "awesomeai-inbox", "--partner", "BigDataRider=" + Rider, "--queue-arn", "arn:aws:sqs:us-east-1:123456789012:s3s2-shares",
            "--notification-out", work.Combine("notification.json"), "--queue-policy-out", work.Combine("queue-policy.json")]);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        var notification = JsonNode.Parse(await File.ReadAllTextAsync(work.Combine("notification.json")))!;
        Assert.That(notification["QueueConfigurations"]!.AsArray().Select(c => c!["QueueArn"]!.GetValue<string>()), Is.All.EqualTo("arn:aws:sqs:us-east-1:123456789012:s3s2-shares"));
        var queuePolicy = JsonNode.Parse(await File.ReadAllTextAsync(work.Combine("queue-policy.json")))!;
        Assert.That(queuePolicy["Statement"]![0]!["Condition"]!["ArnEquals"]!["aws:SourceArn"]!.GetValue<string>(), Is.EqualTo("arn:aws:s3:::awesomeai-inbox"));
        Assert.That(JsonNode.Parse(run.StandardOutput)!["Statement"], Is.Not.Null, "the bucket policy still goes to stdout");
    }

    [Test]
    public async Task Policy_NoPartner_Exits2()
    {
        var run = await S3S2Program.RunAsync(["policy", "--bucket", "awesomeai-inbox"]);

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.StandardError, Does.Contain("--partner"));
    }

    [Test]
    public async Task Init_WithPartner_PrefixIsRootAndName()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));

        var run = await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--partner", "BigDataRider", "--pgp-key", key, "--out", work.Combine("p.json")]);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        Assert.That(JsonNode.Parse(await File.ReadAllTextAsync(work.Combine("p.json")))!["prefix"]!.GetValue<string>(), Is.EqualTo("partners/BigDataRider"));
    }

    [Test]
    public async Task Init_PartnerAndPrefix_Exits2()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));

        var run = await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--partner", "BigDataRider", "--prefix", "x", "--pgp-key", key, "--out", work.Combine("p.json")]);

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(File.Exists(work.Combine("p.json")), Is.False);
    }
}
