using System.CommandLine;
using System.Text.Json;
using S3S2.Sharing.CommandLine;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.CommandLine;

/// <summary>The commands embedded in a host CLI (<see cref="AcmeEtlHost"/>): the host's services, the tool's exit codes.</summary>
[TestFixture]
[Category("Cli")]
public sealed class S3S2CommandsTests
{
    /// <summary>The host's root command is named after its executable, as any System.CommandLine root is ("acme-etl" when that is the program).</summary>
    private static readonly string Host = RootCommand.ExecutableName;

    [Test]
    public async Task Create_ShareThenReceiveUnderTheHostsRoot_BytesEqualThroughTheHostsS3ClientAndLogging()
    {
        await using var host = new AcmeEtlHost();
        using var work = new TempDirectory();
        var bucket = await LocalS3Server.Instance.CreateBucketAsync();
        var publicKey = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var secretKey = work.WriteFile("receiver.sec.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.SecretKeyArmored));
        var orders = TestData.Csv(2000);
        var big = TestData.Random(3 * 1024 * 1024, seed: 13);
        work.WriteFile("data/orders.csv", orders);
        work.WriteFile("data/sub/big.bin", big);

        // No --endpoint: the bucket is reachable only through the host's client, which points at the test's s3rver.
        var share = await host.RunAsync("s3s2", "share", work.Combine("data"), "--bucket", bucket, "--prefix", "partners/acme", "--pgp-key", publicKey, "--pin-fingerprint", TestKeys.Receiver.Fingerprint, "--json");
        Assert.That(share.ExitCode, Is.Zero, share.Error);
        var requestsAfterShare = host.S3Requests;
        using var receipt = JsonDocument.Parse(share.Output);
        var shareId = receipt.RootElement.GetProperty("shareId").GetString()!;

        var receive = await host.RunAsync("s3s2", "receive", "--bucket", bucket, "--prefix", "partners/acme", "--out", work.Combine("inbox"), "--pgp-secret-key", secretKey);

        Assert.That(receive.ExitCode, Is.Zero, receive.Error);
        Assert.That(receive.Output, Does.Contain($"{shareId}: 2 file(s) received"));
        Assert.That(await File.ReadAllBytesAsync(work.Combine("inbox", shareId, "orders.csv")), Is.EqualTo(orders));
        Assert.That(await File.ReadAllBytesAsync(work.Combine("inbox", shareId, "sub", "big.bin")), Is.EqualTo(big));
        Assert.That(requestsAfterShare, Is.GreaterThanOrEqualTo(3), "the share's uploads went through the host's S3 client");
        Assert.That(host.S3Requests, Is.GreaterThan(requestsAfterShare), "and so did the receive's downloads");
        var logged = host.Logs.Logger.Entries.Select(e => e.Message).ToList();
        Assert.That(logged, Has.Some.Contain($"share {shareId} complete: 2 file(s)"), "the library's log lines reach the host's logging");
        Assert.That(logged, Has.Some.Contain($"share {shareId}: 2 file(s) Received"));
    }

    [Test]
    public async Task Create_MisspelledOption_Exit2AndTheToolsErrorLine()
    {
        await using var host = new AcmeEtlHost();
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", [1, 2, 3]);
        string[] arguments = ["share", work.Combine("a.csv"), "--to", work.Combine("store"), "--pgp-key", key, "--sign-kye", key];

        var embedded = await host.RunAsync(["s3s2", .. arguments]);
        var tool = await S3S2Program.RunAsync(arguments);

        Assert.That(embedded.ExitCode, Is.EqualTo(2).And.EqualTo(tool.ExitCode), embedded.Error);
        Assert.That(embedded.Error, Does.StartWith($"s3s2: unknown option '--sign-kye' for 'share'. Did you mean '--sign-key'? See '{Host} s3s2 share --help'"));
        Assert.That(tool.StandardError, Does.StartWith("s3s2: unknown option '--sign-kye' for 'share'. Did you mean '--sign-key'? See 's3s2 share --help'"));
        Assert.That(embedded.Output, Is.Empty, "no help text in place of the error");
        Assert.That(Directory.Exists(work.Combine("store")), Is.False, "nothing is shared");
    }

    [Test]
    public async Task Create_MissingRequiredOption_Exit2NotTheHostsParseErrorExit1()
    {
        await using var host = new AcmeEtlHost();

        var embedded = await host.RunAsync("s3s2", "receive", "--from", "store");
        var tool = await S3S2Program.RunAsync("receive", "--from", "store");

        Assert.That(embedded.ExitCode, Is.EqualTo(2).And.EqualTo(tool.ExitCode), embedded.Error);
        Assert.That(embedded.Error, Does.Contain("s3s2: Option '--out' is required."));
        Assert.That(embedded.Error, Does.Contain($"s3s2: see '{Host} s3s2 receive --help'."));
    }

    [TestCase(new string[0], "Required command was not provided.")]
    [TestCase(new[] { "shaer" }, "unknown command 'shaer' for 's3s2'. Did you mean 'share'? See '{host} s3s2 --help'.")]
    public async Task Create_NoOrUnknownCommand_Exit2WithOneLine(string[] arguments, string message)
    {
        await using var host = new AcmeEtlHost();

        var embedded = await host.RunAsync(["s3s2", .. arguments]);

        Assert.That(embedded.ExitCode, Is.EqualTo(2), embedded.Error);
        Assert.That(embedded.Error, Does.StartWith($"s3s2: {message.Replace("{host}", Host, StringComparison.Ordinal)}{Environment.NewLine}s3s2: see '{Host} s3s2 --help'."));
    }

    /// <summary>A misspelt option of a command that takes no paths, with its value: one line naming the nearest option, not the parser's line per word.</summary>
    [TestCase(new[] { "init", "--bucket", "b", "--prefx", "p", "--pgp-key", "k.asc", "--out", "p.json" }, "unknown option '--prefx' for 'init'. Did you mean '--prefix'? See 's3s2 init --help'.")]
    [TestCase(new[] { "decrypt", "m.gpg", "--output", "out.csv" }, "unknown option '--output' for 'decrypt'. Did you mean '--out'? See 's3s2 decrypt --help'.")]
    [TestCase(new[] { "receive", "--from", "store", "--out", "inbox", "--pgp-secret-keys", "k.asc" }, "unknown option '--pgp-secret-keys' for 'receive'. Did you mean '--pgp-secret-key'? See 's3s2 receive --help'.")]
    public async Task MisspelledOptionWithItsValue_Exit2OneLineWithTheNearestName(string[] arguments, string message)
    {
        using var work = new TempDirectory();

        var tool = await S3S2Program.RunAsync(arguments, null, workingDirectory: work.Path);

        Assert.That(tool.ExitCode, Is.EqualTo(2), tool.StandardError);
        Assert.That(tool.StandardError, Is.EqualTo($"s3s2: {message}{Environment.NewLine}s3s2: see '{string.Join(' ', arguments.Take(1).Prepend("s3s2"))} --help'.{Environment.NewLine}"));
        Assert.That(Directory.EnumerateFileSystemEntries(work.Path), Is.Empty);
    }

    [Test]
    public async Task Create_KeyNotThePinnedOne_Exit3LikeTheToolAndNothingInTheBucket()
    {
        await using var host = new AcmeEtlHost();
        using var work = new TempDirectory();
        var bucket = await LocalS3Server.Instance.CreateBucketAsync();
        var attacker = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Attacker.PublicKeyArmored));
        work.WriteFile("a.csv", TestData.Csv(5));
        string[] arguments = ["share", work.Combine("a.csv"), "--pgp-key", attacker, "--pin-fingerprint", TestKeys.Receiver.Fingerprint];

        var embedded = await host.RunAsync(["s3s2", .. arguments, "--bucket", bucket, "--prefix", "partners/acme"]);
        var tool = await S3S2Program.RunAsync([.. arguments, "--to", work.Combine("store")]);

        Assert.That(embedded.ExitCode, Is.EqualTo(3).And.EqualTo(tool.ExitCode), embedded.Error);
        Assert.That(embedded.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1).And.All.StartWith("s3s2: "), "one line, no stack trace");
        Assert.That(embedded.Error, Does.Contain("pinned"));
        Assert.That(await LocalS3Server.Instance.ListKeysAsync(bucket), Is.Empty);
    }

    [Test]
    public async Task Create_Quiet_NothingOnTheHostsOutput()
    {
        await using var host = new AcmeEtlHost();
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", TestData.Csv(5));

        var quiet = await host.RunAsync("s3s2", "--quiet", "share", work.Combine("a.csv"), "--to", work.Combine("store"), "--pgp-key", key);

        Assert.That(quiet.ExitCode, Is.Zero, quiet.Error);
        Assert.That(quiet.Output, Is.Empty);
        Assert.That(Directory.GetFiles(work.Combine("store"), "*.gpg", SearchOption.AllDirectories), Has.Length.EqualTo(2), "the file and the manifest");
    }

    [Test]
    public void CreateSubcommands_UnderAnotherRoot_EachHasVerboseAndQuiet()
    {
        var commands = S3S2Commands.CreateSubcommands();
        var root = new RootCommand("acme-etl");
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        Assert.That(commands.Select(c => c.Name), Is.EqualTo(new[] { "keygen", "init", "share", "list", "receive", "worker", "decrypt", "audit", "policy" }));
        Assert.That(commands.Select(c => c.Options.Select(o => o.Name)), Has.All.Contains("--verbose").And.Contains("--quiet"));
        Assert.That(root.Parse(["share", "a.csv", "--to", "store", "--pgp-key", "k.asc", "--verbose"]).Errors, Is.Empty);
    }

    [Test]
    public void Create_Name_RenamesTheGroupAndItsErrorPrefix()
    {
        var command = S3S2Commands.Create(new S3S2CommandLineOptions { Name = "files" });

        Assert.That(command.Name, Is.EqualTo("files"));
        using var error = new StringWriter();
        var exitCode = new RootCommand("acme-etl") { command }.Parse(["files", "shaer"]).Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = error });
        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.StartWith("files: unknown command 'shaer' for 'files'. Did you mean 'share'?"));
    }
}
