using System.Text.Json.Nodes;
using S3S2.Sharing.Audit.Generation;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Audit;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Cli;

/// <summary><c>s3s2 audit</c> against moto: exit 5 with findings, 0 once the bucket is set up from <c>s3s2 policy</c>; 2 on bad input; 1 when it cannot run.</summary>
[TestFixture]
[Category("Cli")]
[Category("Moto")]
public sealed class AuditCommandTests
{
    private const string Rider = "arn:aws:iam::111122223333:role/BigDataRider";
    private const string Key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";

    [Test]
    public async Task Audit_NewBucket_Exits5WithTheFindingsAndTheMatrix()
    {
        var moto = LocalMotoServer.Instance;
        var bucket = await moto.CreateBucketAsync();

        var run = await S3S2Program.RunAsync(["audit", "--bucket", bucket, "--endpoint", moto.Endpoint, "--region", LocalMotoServer.Region, "--partner", "BigDataRider=" + Rider], LocalMotoServer.ProgramEnvironment);

        Assert.That(run.ExitCode, Is.EqualTo(5), run.StandardError);
        Assert.That(run.StandardOutput, Does.Contain("WARNING  S3.8").And.Contain("WARNING  S3.5").And.Contain("INFO     S3.1"));
        Assert.That(run.StandardOutput, Does.Match(@"BigDataRider\s+-\s+-"));
    }

    [Test]
    public async Task Audit_BucketFromThePolicyCommand_Exits0AndJsonShowsNoWarning()
    {
        var moto = LocalMotoServer.Instance;
        var bucket = await moto.CreateBucketAsync();
        var logs = await moto.CreateBucketAsync();
        var policy = await S3S2Program.RunAsync(["policy", "--bucket", bucket, "--partner", "BigDataRider=" + Rider, "--sse-kms-key", Key]);
        Assert.That(policy.ExitCode, Is.Zero, policy.StandardError);
        var generated = BucketPolicyGenerator.Generate(Options(bucket));
        Assert.That(policy.StandardOutput.Trim(), Is.EqualTo(generated.BucketPolicy));
        using (var s3 = moto.CreateS3Client())
        {
            await BucketAuditorTests.SetUpAsync(s3, bucket, logs, generated);
        }

        var run = await S3S2Program.RunAsync(["audit", "--bucket", bucket, "--endpoint", moto.Endpoint, "--region", LocalMotoServer.Region, "--partner", "BigDataRider=" + Rider, "--expect-kms-key", Key, "--json"], LocalMotoServer.ProgramEnvironment);

        Assert.That(run.ExitCode, Is.Zero, run.StandardOutput + run.StandardError);
        var report = JsonNode.Parse(run.StandardOutput)!;
        Assert.That(report["findings"]!.AsArray().Select(f => f!["severity"]!.GetValue<string>()), Has.All.EqualTo("Informational"));
        Assert.That(report["accessMatrix"]![0]!["checks"]![0]!["outcome"]!.GetValue<string>(), Is.EqualTo("Allowed"));
        Assert.That(report["accessMatrix"]![0]!["checks"]![4]!["outcome"]!.GetValue<string>(), Is.EqualTo("ExplicitlyDenied"));
    }

    [Test]
    public async Task Audit_BadPartnerArgument_Exits2NamingTheFix()
    {
        var run = await S3S2Program.RunAsync(["audit", "--bucket", "awesomeai-inbox", "--partner", "BigDataRider"]);

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.StandardError, Does.Contain("must be NAME=VALUE"));
    }

    [Test]
    public async Task Audit_InvalidOptions_Exits2ListingEveryProblem()
    {
        var run = await S3S2Program.RunAsync(["audit", "--bucket", "Not_A_Bucket", "--partner", "BigDataRider=someone", "--expect-kms-key", "alias/mine"]);

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.StandardError, Does.Contain("not a valid S3 bucket name").And.Contain("is not an AWS principal").And.Contain("is not a key ARN"));
    }

    [Test]
    public async Task Audit_MissingBucket_Exits1()
    {
        var moto = LocalMotoServer.Instance;

        var run = await S3S2Program.RunAsync(["audit", "--bucket", "s3s2-no-such-bucket", "--endpoint", moto.Endpoint, "--region", LocalMotoServer.Region], LocalMotoServer.ProgramEnvironment);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Does.Contain("bucket"));
    }

    private static BucketPolicyOptions Options(string bucket)
    {
        var options = new BucketPolicyOptions { Bucket = bucket, ServerSideEncryption = { Method = ServerSideEncryptionMethod.Kms, KmsKeyId = Key } };
        options.Partners["BigDataRider"] = Rider;
        return options;
    }
}
