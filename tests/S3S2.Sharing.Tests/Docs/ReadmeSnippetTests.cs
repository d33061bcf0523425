using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Docs;

/// <summary>
/// The README's C# blocks are the code of tests/S3S2.ReadmeSnippets, compiled with the solution: each block must equal
/// its source, and each snippet runs as its own process against the local servers (the standard
/// <c>AWS_ENDPOINT_URL_S3</c>/<c>AWS_ENDPOINT_URL_KMS</c> variables point the SDK there, the code stays as printed),
/// its share received back with the s3s2 program and compared byte for byte.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class ReadmeSnippetTests
{
    private const string Bucket = "awesomeai-inbox";
    private const string Prefix = "partners/bigdatarider";

    [Test]
    public void Readme_EveryCSharpBlock_IsTheTextOfACompiledSnippet()
    {
        var sources = ReadmeSnippets.FromSources();
        var blocks = ReadmeSnippets.FromReadme();

        Assert.That(blocks, Is.Not.Empty, "the README shows C# code");
        Assert.Multiple(() =>
        {
            foreach (var (name, code, line) in blocks)
            {
                Assert.That(name, Is.Not.Null, $"README line {line}: put '<!-- snippet: NAME -->' above the ```csharp block and its code in tests/S3S2.ReadmeSnippets.");
                if (name is not null)
                {
                    Assert.That(sources, Does.ContainKey(name), $"README line {line}: no snippet '{name}' in tests/S3S2.ReadmeSnippets.");
                    Assert.That(code, Is.EqualTo(sources.GetValueOrDefault(name)), $"README line {line}: the block differs from snippet '{name}'; copy the snippet's text into the README.");
                }
            }

            Assert.That(sources.Keys.Except(blocks.Select(b => b.Name ?? string.Empty)), Is.Empty, "snippets the README does not show");
        });
    }

    [Test]
    public void PackageReadme_EveryCSharpBlock_IsTheTextOfACompiledSnippet()
    {
        var sources = ReadmeSnippets.FromSources();
        var blocks = ReadmeSnippets.FromReadme(ReadmeSnippets.PackageReadmePath);

        Assert.That(blocks, Is.Not.Empty, "the package README shows C# code");
        Assert.Multiple(() =>
        {
            foreach (var (name, code, line) in blocks)
            {
                Assert.That(name, Is.Not.Null, $"package README line {line}: put '<!-- snippet: NAME -->' above the ```csharp block.");
                Assert.That(code, Is.EqualTo(sources.GetValueOrDefault(name ?? string.Empty)), $"package README line {line}: the block differs from snippet '{name}'; copy the snippet's text.");
            }
        });
    }

    [Test]
    public async Task CSharpApi_SharesTheExportsFolderToS3_ReceiverGetsTheSameBytes()
    {
        using var folder = SnippetFolder(out var exports);

        var shareId = await RunSnippetAsync("csharp-api", folder, S3Environment());

        await AssertReceivedAsync(folder, shareId, exports, "--pgp-secret-key", folder.Combine("awesomeai.sec.asc"));
    }

    [Test]
    public async Task Profile_SharesOneFileWithTheProfile_ReceiverGetsTheSameBytes()
    {
        using var folder = SnippetFolder(out var exports);
        await WriteProfileAsync(folder);

        var shareId = await RunSnippetAsync("profile", folder, S3Environment());

        await AssertReceivedAsync(folder, shareId, exports.Where(e => e.Key == "orders.csv").ToDictionary(), "--pgp-secret-key", folder.Combine("awesomeai.sec.asc"));
    }

    [Test]
    public async Task Configuration_HostReadsAppSettings_ReceiverGetsTheSameBytes()
    {
        using var folder = SnippetFolder(out var exports);
        await WriteProfileAsync(folder);
        await File.WriteAllTextAsync(folder.Combine("appsettings.json"), """{ "S3S2": { "Profile": "bigdatarider.profile.json", "SenderName": "BigDataRider nightly ETL" } }""");

        var shareId = await RunSnippetAsync("configuration", folder, S3Environment());

        await AssertReceivedAsync(folder, shareId, exports, "--pgp-secret-key", folder.Combine("awesomeai.sec.asc"));
    }

    [Test]
    public async Task KmsEnvelope_SharesWithTheReadmeKey_ReceiverGetsTheSameBytes()
    {
        using var folder = SnippetFolder(out var exports);
        var code = ReadmeSnippets.FromSources()["kms-envelope"];
        var keyArn = KmsKeyArn().Match(code).Value;
        LocalKmsServer.Instance.AddKey(keyArn);
        var environment = S3Environment();
        environment["AWS_ENDPOINT_URL_KMS"] = LocalKmsServer.Instance.Endpoint;

        var shareId = await RunSnippetAsync("kms-envelope", folder, environment);

        Assert.That(LocalKmsServer.Instance.CallsFor(keyArn).Count(c => c.Operation == "GenerateDataKey" && c.EncryptionContext.GetValueOrDefault("s3s2:share-id") == shareId), Is.EqualTo(1), "one data key for the share");
        await AssertReceivedAsync(folder, shareId, exports, "--kms-endpoint", LocalKmsServer.Instance.Endpoint, "--kms-key", keyArn);
    }

    [Test]
    public async Task EtlSession_WritableFileAndAFile_ReceiverGetsTheRowsAndTheFileByteIdentical()
    {
        using var folder = SnippetFolder(out var exports);
        await WriteProfileAsync(folder);
        var rows = new System.Text.StringBuilder("id,amount\n");
        for (var id = 1; id <= 100_000; id++)
        {
            rows.Append(System.Globalization.CultureInfo.InvariantCulture, $"{id},{id * 7 % 1000}\n");
        }

        var shareId = await RunSnippetAsync("etl-session", folder, S3Environment());

        var output = folder.Combine("inbox");
        var receive = await S3S2Program.RunAsync(
            ["receive", "--bucket", Bucket, "--prefix", Prefix, "--endpoint", LocalS3Server.Instance.Endpoint, "--share", shareId, "--out", output, "--pgp-secret-key", folder.Combine("awesomeai.sec.asc")],
            new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = LocalS3Server.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = LocalS3Server.SecretKey, ["AWS_REGION"] = "us-east-1" });
        Assert.That(receive.ExitCode, Is.Zero, () => receive.StandardError);
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(output, shareId, "orders", "2026-11-27.csv")), Is.EqualTo(System.Text.Encoding.UTF8.GetBytes(rows.ToString())));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(output, shareId, "customers.csv")), Is.EqualTo(exports["customers.csv"]));
    }

    [Test]
    public async Task BucketAudit_FreshBucketOnMoto_PrintsFindingsWithTheirFix()
    {
        using var folder = new TempDirectory();
        var moto = LocalMotoServer.Instance;
        using (var client = moto.CreateS3Client())
        {
            await EnsureBucketAsync(client);
        }

        var environment = LocalMotoServer.ProgramEnvironment;
        environment["AWS_ENDPOINT_URL_S3"] = moto.Endpoint;

        var run = await RunAsync("bucket-audit", folder, environment);

        Assert.That(run.ExitCode, Is.Zero, () => run.StandardError);
        Assert.That(run.StandardOutput, Does.Contain("S3.5: ").And.Contain("Fix: "), "a bucket without a TLS-only policy is reported with the fix");
    }

    [Test]
    public async Task EmbeddedCommands_KeygenAndAMisspeltOptionUnderTheHostsRoot_TheToolsResultsAndExitCodes()
    {
        using var folder = new TempDirectory();
        var program = RepositoryRoot.BuiltProgram(Path.Combine("tests", "S3S2.ReadmeSnippets"), "S3S2.ReadmeSnippets.dll");

        var keygen = await ProcessRunner.RunAsync("dotnet", [program, "embedded-commands", "s3s2", "keygen", "--name", "acme", "--out", folder.Path], null, folder.Path);
        var misspelt = await ProcessRunner.RunAsync("dotnet", [program, "embedded-commands", "s3s2", "share", "a.csv", "--pgp-kye", "acme.pub.asc"], null, folder.Path);

        Assert.That(keygen.ExitCode, Is.Zero, keygen.StandardError);
        Assert.That(keygen.StandardOutput, Does.Contain("Fingerprint (partners pin it):"));
        Assert.That(await File.ReadAllTextAsync(folder.Combine("acme.pub.asc")), Does.StartWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        Assert.That(misspelt.ExitCode, Is.EqualTo(2));
        Assert.That(misspelt.StandardError, Does.StartWith("s3s2: unknown option '--pgp-kye' for 'share'. Did you mean '--pgp-key'?"));
    }

    private static TempDirectory SnippetFolder(out Dictionary<string, byte[]> exports)
    {
        var folder = new TempDirectory();
        exports = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["orders.csv"] = TestData.Csv(2_000),
            ["customers.csv"] = TestData.Csv(300),
        };
        foreach (var (name, content) in exports)
        {
            folder.WriteFile("exports/2026-11-27/" + name, content);
        }

        foreach (var key in new[] { "awesomeai.pub.asc", "awesomeai.sec.asc" })
        {
            File.Copy(Path.Combine(ReadmeSnippets.SourceDirectory, key), folder.Combine(key));
        }

        return folder;
    }

    private static async Task WriteProfileAsync(TempDirectory folder)
    {
        var init = await S3S2Program.RunAsync(
            "init", "--bucket", Bucket, "--region", "eu-west-1", "--prefix", Prefix, "--pgp-key", folder.Combine("awesomeai.pub.asc"), "--out", folder.Combine("bigdatarider.profile.json"));
        Assert.That(init.ExitCode, Is.Zero, () => init.StandardError);
    }

    private static Dictionary<string, string?> S3Environment() => new()
    {
        ["AWS_ENDPOINT_URL_S3"] = LocalS3Server.Instance.Endpoint,
        ["AWS_ACCESS_KEY_ID"] = LocalS3Server.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = LocalS3Server.SecretKey,

        // s3rver stores aws-chunked bodies as sent; ask for checksums only where S3 requires them, as the library does for its own endpoints.
        ["AWS_REQUEST_CHECKSUM_CALCULATION"] = "when_required",
        ["AWS_RESPONSE_CHECKSUM_VALIDATION"] = "when_required",
    };

    private static async Task<string> RunSnippetAsync(string name, TempDirectory folder, Dictionary<string, string?> environment)
    {
        using (var client = LocalS3Server.Instance.CreateClient())
        {
            await EnsureBucketAsync(client);
        }

        var run = await RunAsync(name, folder, environment);
        Assert.That(run.ExitCode, Is.Zero, () => run.StandardOutput + run.StandardError);
        var printed = Printed().Match(run.StandardOutput);
        Assert.That(printed.Success, Is.True, () => $"the snippet prints its receipt: {run.StandardOutput}");
        Assert.That(printed.Groups["manifest"].Value, Does.StartWith(Prefix + "/" + printed.Groups["id"].Value));
        return printed.Groups["id"].Value;
    }

    private static Task<ProcessRunner.Result> RunAsync(string name, TempDirectory folder, Dictionary<string, string?> environment)
    {
        var program = RepositoryRoot.BuiltProgram(Path.Combine("tests", "S3S2.ReadmeSnippets"), "S3S2.ReadmeSnippets.dll");
        environment["AWS_REGION"] = "eu-west-1";
        return ProcessRunner.RunAsync("dotnet", [program, name], environment, folder.Path);
    }

    private static async Task EnsureBucketAsync(AmazonS3Client client)
    {
        try
        {
            await client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    private static async Task AssertReceivedAsync(TempDirectory folder, string shareId, IReadOnlyDictionary<string, byte[]> expected, params string[] keyOptions)
    {
        var output = folder.Combine("inbox");
        var receive = await S3S2Program.RunAsync(
            ["receive", "--bucket", Bucket, "--prefix", Prefix, "--endpoint", LocalS3Server.Instance.Endpoint, "--share", shareId, "--out", output, .. keyOptions],
            new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = LocalS3Server.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = LocalS3Server.SecretKey, ["AWS_REGION"] = "us-east-1" });

        Assert.That(receive.ExitCode, Is.Zero, () => receive.StandardError);
        var received = Directory.EnumerateFiles(Path.Combine(output, shareId)).Where(f => !Path.GetFileName(f).StartsWith('.')).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
        Assert.That(received, Is.EqualTo(expected));
    }

    [GeneratedRegex(@"share (?<id>\S+): \d+ files, manifest (?<manifest>\S+)")]
    private static partial Regex Printed();

    [GeneratedRegex(@"arn:aws:kms:[a-z0-9-]+:\d{12}:key/1234abcd-[0-9a-f-]+")]
    private static partial Regex KmsKeyArn();
}
