using System.Text.Json;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Cli;

/// <summary>The s3s2 command-line contract: arguments, JSON output, exit codes, one-line errors.</summary>
[TestFixture]
[Category("Cli")]
public sealed class ShareCommandTests
{
    [Test]
    public async Task Share_ToLocalFolderWithJson_PrintsTheReceipt()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var content = TestData.Csv(20);
        work.WriteFile("data/sub/a.csv", content);

        var result = await S3S2Program.RunAsync(["share", work.Combine("data"), "--to", work.Combine("store"), "--prefix", "partners/acme/", "--pgp-key", key, "--pin-fingerprint", TestKeys.Receiver.Fingerprint, "--json"]);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var shareId = json.RootElement.GetProperty("shareId").GetString();
        Assert.That(json.RootElement.GetProperty("manifestKey").GetString(), Is.EqualTo($"partners/acme/{shareId}.manifest.json.gpg"));
        var file = json.RootElement.GetProperty("files").EnumerateArray().Single();
        Assert.That(file.GetProperty("path").GetString(), Is.EqualTo("sub/a.csv"));
        Assert.That(file.GetProperty("key").GetString(), Is.EqualTo($"partners/acme/{shareId}/sub/a.csv.gpg"));
        Assert.That(file.GetProperty("size").GetInt64(), Is.EqualTo(content.Length));
        Assert.That(file.GetProperty("sha256").GetString(), Is.EqualTo(TestData.Sha256Hex(content)));
        var stored = await File.ReadAllBytesAsync(work.Combine("store", "partners", "acme", shareId!, "sub", "a.csv.gpg"));
        Assert.That(TestKeys.Decrypt(stored, TestKeys.Receiver).Plaintext, Is.EqualTo(content));
    }

    [Test]
    public async Task Share_MisspelledOptionAfterAPath_UnknownOptionWithTheNearestNameAndNothingWritten()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", [1, 2, 3]);

        var result = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--to", work.Combine("store"), "--pgp-key", key, "--sign-kye", key]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("unknown option '--sign-kye' for 'share'. Did you mean '--sign-key'?"));
        Assert.That(result.StandardError, Does.Not.Contain("does not exist"));
        Assert.That(Directory.Exists(work.Combine("store")), Is.False, "nothing is shared");
    }

    [Test]
    public async Task Share_PathStartingWithDashAfterDoubleDash_IsAPath()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("-odd.csv", [1, 2, 3]);

        var result = await S3S2Program.RunAsync(["share", "--to", work.Combine("store"), "--pgp-key", key, "--", "-odd.csv"], null, workingDirectory: work.Path);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(Directory.GetFiles(work.Combine("store"), "-odd.csv.gpg", SearchOption.AllDirectories), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Share_Quiet_PrintsNothingAndShares()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", [1, 2, 3]);

        var result = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--to", work.Combine("store"), "--pgp-key", key, "--quiet"]);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput + result.StandardError, Is.Empty);
        Assert.That(Directory.GetFiles(work.Combine("store"), "a.csv.gpg", SearchOption.AllDirectories), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Share_Fifo_Exits2InsteadOfHanging()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var fifo = work.Combine("export.csv");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!)
        {
            mkfifo.WaitForExit();
        }

        var result = await S3S2Program.RunAsync(["share", fifo, "--to", work.Combine("store"), "--pgp-key", key]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("FIFO (named pipe)"));
        Assert.That(Directory.Exists(work.Combine("store")) ? Directory.GetFiles(work.Combine("store"), "*", SearchOption.AllDirectories) : [], Is.Empty);
    }

    [Test]
    public async Task Share_FingerprintMismatch_Exits3AndWritesNothing()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Attacker.PublicKeyArmored));
        work.WriteFile("a.csv", [1, 2]);

        var result = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--to", work.Combine("store"), "--pgp-key", key, "--pin-fingerprint", TestKeys.Receiver.Fingerprint]);

        Assert.That(result.ExitCode, Is.EqualTo(3));
        Assert.That(result.StandardError, Does.Contain("do not match the pinned fingerprints"));
        Assert.That(Directory.Exists(work.Combine("store")) ? Directory.GetFiles(work.Combine("store"), "*", SearchOption.AllDirectories) : [], Is.Empty);
    }

    [Test]
    public async Task Share_MissingKeyFile_Exits2WithOneLineAndNoStackTrace()
    {
        using var work = new TempDirectory();
        work.WriteFile("a.csv", [1]);

        var result = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--to", work.Combine("store"), "--pgp-key", work.Combine("missing.asc")]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.StandardError.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.StandardError, Does.Contain("missing.asc").And.Not.Contain("   at "));
    }

    [Test]
    public async Task Share_DamagedKeyFile_Exits2NamingTheFileAndWritesNothing()
    {
        using var work = new TempDirectory();
        var armored = TestKeys.Receiver.PublicKeyArmored;
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(armored[..(armored.Length / 2)] + "!!!!" + armored[(armored.Length / 2)..]));
        work.WriteFile("a.csv", [1]);

        var result = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--to", work.Combine("store"), "--pgp-key", key]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.StandardError, Does.Contain("receiver.pub.asc").And.Contain("is not a readable OpenPGP public key").And.Not.Contain("   at "));
        Assert.That(Directory.Exists(work.Combine("store")) ? Directory.GetFiles(work.Combine("store"), "*", SearchOption.AllDirectories) : [], Is.Empty);
    }

    [Test]
    public async Task Share_SecretKeyGivenAsRecipient_Exits2()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.sec.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.SecretKeyArmored));
        work.WriteFile("a.csv", [1]);

        var result = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--to", work.Combine("store"), "--pgp-key", key]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.StandardError, Does.Contain("holds a secret key"));
    }

    [Test]
    public async Task Share_MissingPath_Exits2()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));

        var result = await S3S2Program.RunAsync(["share", work.Combine("nope.csv"), "--to", work.Combine("store"), "--pgp-key", key]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.StandardError, Does.Contain("nope.csv' does not exist"));
    }

    [Test]
    [Category("Interop")]
    public async Task Share_CompressLevel1And9_GpgDecryptsBothToTheSameBytesAndLevel9IsSmaller()
    {
        using var work = new TempDirectory();
        using var gpg = Gpg.Create();
        await gpg.ImportAsync(TestKeys.Receiver.SecretKeyArmored);
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var content = TestData.Csv(50_000);
        work.WriteFile("orders.csv", content);

        var fastest = await ShareWithLevelAsync("1");
        var smallest = await ShareWithLevelAsync("9");

        foreach (var message in new[] { fastest, smallest })
        {
            var (plaintext, status, exitCode) = await gpg.DecryptAsync(message);
            Assert.That(exitCode, Is.Zero, status);
            Assert.That(status, Does.Contain("GOODMDC"));
            Assert.That(plaintext, Is.EqualTo(content));
        }

        Assert.That(smallest, Has.Length.LessThan(fastest.Length), "level 9 deflates CSV smaller than level 1");

        async Task<byte[]> ShareWithLevelAsync(string level)
        {
            var store = work.Combine("store-" + level);
            var result = await S3S2Program.RunAsync(["share", work.Combine("orders.csv"), "--to", store, "--pgp-key", key, "--compress-level", level, "--json"]);
            Assert.That(result.ExitCode, Is.Zero, result.StandardError);
            using var json = JsonDocument.Parse(result.StandardOutput);
            var objectKey = json.RootElement.GetProperty("files")[0].GetProperty("key").GetString()!;
            return await File.ReadAllBytesAsync(Path.Combine(store, objectKey));
        }
    }

    [TestCase("0")]
    [TestCase("10")]
    [TestCase("fast")]
    [TestCase("4.5")]
    public async Task Share_CompressLevelOutOfRangeOrNotANumber_Exits2NamingTheRangeAndWritesNothing(string level)
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", [1, 2, 3]);

        var result = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--to", work.Combine("store"), "--pgp-key", key, "--compress-level", level]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.StartWith($"s3s2: --compress-level '{level}' is not a zlib level: give 1 (fastest, largest) to 9 (smallest, slowest); 4 is the default."));
        Assert.That(result.StandardError, Does.Not.Contain("   at "));
        Assert.That(Directory.Exists(work.Combine("store")), Is.False, "nothing is shared");
    }

    [TestCase("--compress", "none", "--pgp-key", "{key}", "--compress none turns compression off. Remove --compress-level, or use --compress zlib.")]
    [TestCase("--kms-key", "arn:aws:kms:eu-west-1:111122223333:key/0c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5", "--kms-endpoint", "http://127.0.0.1:9", "KMS envelope messages are not compressed. Remove --compress-level.")]
    public async Task Share_CompressLevelWithoutZlib_Exits2NamingTheConflictAndWritesNothing(string option, string value, string keyOption, string keyValue, string expected)
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", [1, 2, 3]);

        var result = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--to", work.Combine("store"), option, value, keyOption, keyValue.Replace("{key}", key, StringComparison.Ordinal), "--compress-level", "9"]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError.Trim(), Is.EqualTo("s3s2: --compress-level 9 " + (option == "--compress" ? "sets the zlib level, but " : "sets OpenPGP's zlib level, but ") + expected));
        Assert.That(Directory.Exists(work.Combine("store")), Is.False, "nothing is shared");
    }

    [TestCase("--sse-s3")]
    [TestCase("--sse-kms-key", "arn:aws:kms:eu-west-1:111122223333:key/0c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5")]
    public async Task Share_ServerSideEncryptionToAFolder_Exits2NamingItAndWritesNothing(params string[] sse)
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", [1]);

        var result = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--pgp-key", key, "--to", work.Combine("store"), .. sse]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain($"{sse[0]} asks S3 for server-side encryption, but --to writes to a local folder"));
        Assert.That(Directory.Exists(work.Combine("store")), Is.False);
    }

    [TestCase("--to", "store", "--bucket", "b")]
    [TestCase("--compress", "lzma", "--to", "store")]
    public async Task Share_BadUsage_Exits2(params string[] extra)
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", [1]);

        var result = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--pgp-key", key, .. extra]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
    }

    [Test]
    [Category("Integration")]
    public async Task Share_ToBucketOnLocalS3_ObjectsArrive()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var content = TestData.Csv(100);
        work.WriteFile("orders.csv", content);
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = LocalS3Server.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = LocalS3Server.SecretKey,
            ["AWS_REGION"] = "us-east-1",
        };

        var result = await S3S2Program.RunAsync(["share", work.Combine("orders.csv"), "--bucket", bucket, "--endpoint", server.Endpoint, "--prefix", "in", "--pgp-key", key, "--json"], environment);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var objectKey = json.RootElement.GetProperty("files")[0].GetProperty("key").GetString()!;
        Assert.That(TestKeys.Decrypt(await server.GetObjectBytesAsync(bucket, objectKey), TestKeys.Receiver).Plaintext, Is.EqualTo(content));
    }

    [Test]
    public async Task Keygen_WritesBothKeysAndRefusesToOverwrite()
    {
        using var work = new TempDirectory();

        var first = await S3S2Program.RunAsync(["keygen", "--name", "awesomeai", "--out", work.Path]);
        var second = await S3S2Program.RunAsync(["keygen", "--name", "awesomeai", "--out", work.Path]);

        Assert.That(first.ExitCode, Is.Zero, first.StandardError);
        Assert.That(await File.ReadAllTextAsync(work.Combine("awesomeai.pub.asc")), Does.StartWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        Assert.That(await File.ReadAllTextAsync(work.Combine("awesomeai.sec.asc")), Does.StartWith("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(work.Combine("awesomeai.sec.asc")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        Assert.That(second.ExitCode, Is.EqualTo(2));
        Assert.That(second.StandardError, Does.Contain("already exists"));
    }

    [Test]
    public async Task Demo_RoundTripsTheSampleDataThroughALocalStore()
    {
        using var work = new TempDirectory();

        var result = await S3S2Program.RunAsync(["demo", "--out", work.Combine("demo")]);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.Contain("SHA-256 verified").And.Not.Contain("FAILED"));
        var objects = Directory.GetFiles(work.Combine("demo", "store"), "*.gpg", SearchOption.AllDirectories);
        Assert.That(objects, Has.Length.EqualTo(5), "4 sample files and the manifest");
        var samples = Path.Combine(RepositoryRoot.Path, "samples", "data");
        var received = Directory.GetDirectories(work.Combine("demo", "received")).Single();
        foreach (var sample in Directory.GetFiles(samples, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(samples, sample);
            Assert.That(await File.ReadAllBytesAsync(Path.Combine(received, relative)), Is.EqualTo(await File.ReadAllBytesAsync(sample)), relative);
        }
    }

    [Test]
    public async Task Demo_OutFolderOfAnEarlierRun_Exit2NamingItAndTheFolderUntouched()
    {
        using var work = new TempDirectory();
        var first = await S3S2Program.RunAsync(["demo", "--out", work.Combine("demo")]);
        Assert.That(first.ExitCode, Is.Zero, first.StandardError);
        var before = Directory.GetFiles(work.Combine("demo"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        var again = await S3S2Program.RunAsync(["demo", "--out", work.Combine("demo")]);

        Assert.That(again.ExitCode, Is.EqualTo(2), again.StandardError);
        Assert.That(again.StandardError, Does.Contain($"the demo folder '{work.Combine("demo")}' is not empty").And.Contain("--out"));
        Assert.That(Directory.GetFiles(work.Combine("demo"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal), Is.EqualTo(before));
    }
}
