using System.Text.Json;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Cli;

/// <summary><c>s3s2 share - --name NAME</c>: standard input as the one file of a share, through the real program.</summary>
[TestFixture]
[Category("Cli")]
public sealed class ShareCommandStdinTests
{
    /// <summary>The README's pipe example ("ETL" section), with s3rver behind the profile's bucket.</summary>
    [Test]
    public async Task Share_StdinWithProfile_ReceiverGetsTheBytesByteIdentical()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        using var work = new TempDirectory();
        var key = work.WriteFile("awesomeai.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var secret = work.WriteFile("awesomeai.sec.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.SecretKeyArmored));
        var init = await S3S2Program.RunAsync("init", "--bucket", bucket, "--region", "us-east-1", "--prefix", "partners/bigdatarider", "--pgp-key", key, "--out", work.Combine("bigdatarider.profile.json"));
        Assert.That(init.ExitCode, Is.Zero, init.StandardError);
        var dump = TestData.Csv(40_000);
        var s3 = new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = LocalS3Server.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = LocalS3Server.SecretKey, ["AWS_REGION"] = "us-east-1" };

        var share = await S3S2Program.RunAsync(
            ["share", "-", "--name", "orders/2026-11-27.csv", "--profile", work.Combine("bigdatarider.profile.json"), "--endpoint", server.Endpoint, "--json"], s3, dump);

        Assert.That(share.ExitCode, Is.Zero, share.StandardError);
        using var receipt = JsonDocument.Parse(share.StandardOutput);
        var shareId = receipt.RootElement.GetProperty("shareId").GetString()!;
        Assert.That(receipt.RootElement.GetProperty("files").EnumerateArray().Single().GetProperty("path").GetString(), Is.EqualTo("orders/2026-11-27.csv"));
        var receive = await S3S2Program.RunAsync(
            ["receive", "--bucket", bucket, "--prefix", "partners/bigdatarider", "--endpoint", server.Endpoint, "--share", shareId, "--out", work.Combine("inbox"), "--pgp-secret-key", secret], s3);
        Assert.That(receive.ExitCode, Is.Zero, receive.StandardError);
        Assert.That(await File.ReadAllBytesAsync(work.Combine("inbox", shareId, "orders", "2026-11-27.csv")), Is.EqualTo(dump));
    }

    [Test]
    public async Task Share_StdinUploadFails_OneErrorLineNamingTheShareAndNoLogLineRepeatingIt()
    {
        var server = LocalS3Server.Instance;
        using var work = new TempDirectory();
        var key = work.WriteFile("awesomeai.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var s3 = new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = LocalS3Server.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = LocalS3Server.SecretKey, ["AWS_REGION"] = "us-east-1" };

        var result = await S3S2Program.RunAsync(
            ["share", "-", "--name", "orders.csv", "--bucket", "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8], "--prefix", "partners/acme", "--endpoint", server.Endpoint, "--pgp-key", key], s3, TestData.Csv(100));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.StandardError);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), "the failure is reported once: " + result.StandardError);
        Assert.That(lines[0], Does.StartWith("s3s2: ").And.Match("share [0-9]{8}T[0-9]{9}Z-[0-9a-f]{8} failed"));
    }

    [TestCase(new[] { "share", "-" }, "--name")]
    [TestCase(new[] { "share", "-", "--name", "../escape.csv" }, "'..'")]
    [TestCase(new[] { "share", "-", "other.csv", "--name", "a.csv" }, "only PATH")]
    [TestCase(new[] { "share", "other.csv", "--name", "a.csv" }, "only valid with '-'")]
    public async Task Share_StdinMisused_Exits2NamingTheProblemAndWritesNothing(string[] arguments, string expected)
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("awesomeai.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("other.csv", [1, 2, 3]);

        var result = await S3S2Program.RunAsync(
            [.. arguments.Select(a => a == "other.csv" ? work.Combine("other.csv") : a), "--to", work.Combine("store"), "--pgp-key", key], null, TestData.Csv(10));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain(expected));
        Assert.That(result.StandardError.Trim().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
        Assert.That(Directory.Exists(work.Combine("store")) ? Directory.GetFiles(work.Combine("store"), "*", SearchOption.AllDirectories) : [], Is.Empty);
    }
}
