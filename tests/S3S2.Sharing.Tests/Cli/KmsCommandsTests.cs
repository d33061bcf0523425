using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Tests.Encryption.Kms;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Cli;

/// <summary>The s3s2 program's KMS paths: share --kms-key and decrypt, with its exit codes.</summary>
[TestFixture]
public sealed class KmsCommandsTests
{
    [Test]
    public async Task ShareThenDecrypt_KmsKeyAndLocalStore_RoundTrips()
    {
        using var folder = new TempDirectory();
        var content = TestData.Csv(3000);
        var input = folder.WriteFile("in/orders.csv", content);
        var key = LocalKmsServer.Instance.CreateKey();

        var share = await S3S2Program.RunAsync("share", input, "--to", folder.Combine("store"), "--prefix", "partners/acme", "--kms-key", key, "--kms-endpoint", LocalKmsServer.Instance.Endpoint);
        Assert.That(share.ExitCode, Is.Zero, () => share.StandardError);
        var stored = Directory.GetFiles(folder.Combine("store"), "orders.csv.encrypted", SearchOption.AllDirectories).Single();

        var decrypt = await S3S2Program.RunAsync("decrypt", stored, "--out", folder.Combine("orders.csv"), "--kms-endpoint", LocalKmsServer.Instance.Endpoint, "--kms-key", key);

        Assert.That(decrypt.ExitCode, Is.Zero, () => decrypt.StandardError);
        Assert.That(decrypt.StandardOutput, Does.Contain("Decrypted and verified"));
        Assert.That(await File.ReadAllBytesAsync(folder.Combine("orders.csv")), Is.EqualTo(content));
    }

    [Test]
    public async Task Share_KmsKey_MakesOneGenerateDataKeyAndTheClientWarmUpSendsNothing()
    {
        using var folder = new TempDirectory();
        folder.WriteFile("in/a.csv", TestData.Csv(200));
        folder.WriteFile("in/b.csv", TestData.Csv(300));
        var key = LocalKmsServer.Instance.CreateKey();

        var share = await S3S2Program.RunAsync("share", folder.Combine("in"), "--to", folder.Combine("store"), "--prefix", "partners/acme", "--kms-key", key, "--kms-endpoint", LocalKmsServer.Instance.Endpoint);

        Assert.That(share.ExitCode, Is.Zero, () => share.StandardError);
        Assert.That(LocalKmsServer.Instance.CallsFor(key).Select(c => c.Operation), Is.EqualTo(new[] { "GenerateDataKey" }));
        Assert.That(LocalKmsServer.Instance.Calls.Where(c => c.KeyId == KmsClientFactory.WarmUpKeyId), Is.Empty);
    }

    [Test]
    public async Task Share_KmsKeyWithoutAnyCredentials_FailsAtGenerateDataKeyAsBeforeTheWarmUpAndCallsNoKms()
    {
        using var folder = new TempDirectory();
        var input = folder.WriteFile("in/orders.csv", TestData.Csv(100));
        var key = LocalKmsServer.Instance.CreateKey();

        // The client's warm-up finds no credentials either: it drops that, and the share's own call reports it.
        var share = await S3S2Program.RunAsync(
            ["share", input, "--to", folder.Combine("store"), "--prefix", "partners/acme", "--kms-key", key, "--kms-endpoint", LocalKmsServer.Instance.Endpoint],
            WithoutAwsCredentials(folder));

        Assert.That(share.ExitCode, Is.EqualTo(2), () => share.StandardError);
        Assert.That(share.StandardError, Does.Contain($"KMS GenerateDataKey on key '{key}' was not sent").And.Contain("Check the AWS credentials"));
        Assert.That(share.StandardError, Does.Not.Contain("Exception 1 of"), "the SDK's list of credential sources stays in the inner exception");
        Assert.That(LocalKmsServer.Instance.CallsFor(key), Is.Empty);
        Assert.That(Directory.Exists(folder.Combine("store")) ? Directory.GetFiles(folder.Combine("store"), "*", SearchOption.AllDirectories) : [], Is.Empty);
    }

    [Test]
    public async Task Share_KmsEndpointNotListening_Exit1ForARetryNot2AndNothingStored()
    {
        using var folder = new TempDirectory();
        var input = folder.WriteFile("in/orders.csv", TestData.Csv(100));
        var key = LocalKmsServer.Instance.CreateKey();
        var closed = $"http://127.0.0.1:{LocalServerProcess.FreePort()}";

        var share = await S3S2Program.RunAsync("share", input, "--to", folder.Combine("store"), "--prefix", "partners/acme", "--kms-key", key, "--kms-endpoint", closed);

        // A network failure may pass (exit 1, as for S3 out of reach); exit 2 tells a script its input is wrong.
        Assert.That(share.ExitCode, Is.EqualTo(1), () => share.StandardError);
        Assert.That(share.StandardError, Does.Contain($"KMS could not be reached for GenerateDataKey on key '{key}'").And.Contain("retry later"));
        Assert.That(Directory.Exists(folder.Combine("store")) ? Directory.GetFiles(folder.Combine("store"), "*", SearchOption.AllDirectories) : [], Is.Empty);
    }

    [Test]
    public async Task ShareThenReceiveAndDecrypt_KmsKey_OneDecryptEachAndTheClientWarmUpSendsNothing()
    {
        using var folder = new TempDirectory();
        var content = TestData.Csv(400);
        var input = folder.WriteFile("in/orders.csv", content);
        var key = LocalKmsServer.Instance.CreateKey();
        var share = await S3S2Program.RunAsync("share", folder.Combine("in"), "--to", folder.Combine("store"), "--prefix", "partners/acme", "--kms-key", key, "--kms-endpoint", LocalKmsServer.Instance.Endpoint, "--json");
        Assert.That(share.ExitCode, Is.Zero, () => share.StandardError);
        var shareId = System.Text.Json.Nodes.JsonNode.Parse(share.StandardOutput)!["shareId"]!.GetValue<string>();
        var stored = Directory.GetFiles(folder.Combine("store"), "orders.csv.encrypted", SearchOption.AllDirectories).Single();

        var receive = await S3S2Program.RunAsync("receive", "--from", folder.Combine("store"), "--prefix", "partners/acme", "--out", folder.Combine("out"), "--kms-endpoint", LocalKmsServer.Instance.Endpoint, "--kms-key", key);
        var afterReceive = LocalKmsServer.Instance.CallsFor(key).Select(c => c.Operation).ToList();
        var decrypt = await S3S2Program.RunAsync("decrypt", stored, "--out", folder.Combine("orders.csv"), "--kms-endpoint", LocalKmsServer.Instance.Endpoint, "--kms-key", key);

        Assert.Multiple(() =>
        {
            Assert.That(receive.ExitCode, Is.Zero, () => receive.StandardError);
            Assert.That(decrypt.ExitCode, Is.Zero, () => decrypt.StandardError);
            Assert.That(File.ReadAllBytes(folder.Combine("out", shareId, "orders.csv")), Is.EqualTo(content));
            Assert.That(File.ReadAllBytes(folder.Combine("orders.csv")), Is.EqualTo(content));
            Assert.That(afterReceive, Is.EqualTo(new[] { "GenerateDataKey", "Decrypt" }), "the receive: one Decrypt for the share's one data key");
            Assert.That(LocalKmsServer.Instance.CallsFor(key).Select(c => c.Operation), Is.EqualTo(new[] { "GenerateDataKey", "Decrypt", "Decrypt" }), "the decrypt: one more");
            Assert.That(LocalKmsServer.Instance.Calls.Where(c => c.KeyId == KmsClientFactory.WarmUpKeyId), Is.Empty);
        });
    }

    [TestCase("receive")]
    [TestCase("decrypt")]
    public async Task ReceiveOrDecrypt_KmsKeyWithoutAnyCredentials_FailsAtDecryptAsBeforeTheWarmUpAndCallsNoKms(string command)
    {
        using var folder = new TempDirectory();
        var input = folder.WriteFile("in/orders.csv", TestData.Csv(100));
        var key = LocalKmsServer.Instance.CreateKey();
        var share = await S3S2Program.RunAsync("share", input, "--to", folder.Combine("store"), "--prefix", "partners/acme", "--kms-key", key, "--kms-endpoint", LocalKmsServer.Instance.Endpoint);
        Assert.That(share.ExitCode, Is.Zero, () => share.StandardError);
        var stored = Directory.GetFiles(folder.Combine("store"), "orders.csv.encrypted", SearchOption.AllDirectories).Single();
        var callsBefore = LocalKmsServer.Instance.CallsFor(key).Count();

        // The client's warm-up finds no credentials either: it drops that, and the command's own Decrypt call reports it.
        string[] arguments = command == "receive"
            ? ["receive", "--from", folder.Combine("store"), "--prefix", "partners/acme", "--out", folder.Combine("out"), "--kms-endpoint", LocalKmsServer.Instance.Endpoint, "--kms-key", key]
            : ["decrypt", stored, "--out", folder.Combine("orders.csv"), "--kms-endpoint", LocalKmsServer.Instance.Endpoint, "--kms-key", key];
        var run = await S3S2Program.RunAsync(
            arguments,
            WithoutAwsCredentials(folder));

        Assert.That(run.ExitCode, Is.EqualTo(2), () => run.StandardError);
        Assert.That(run.StandardError, Does.Contain($"KMS Decrypt on key '{key}' was not sent").And.Contain("Check the AWS credentials"));
        Assert.That(LocalKmsServer.Instance.CallsFor(key).Count(), Is.EqualTo(callsBefore), "no call reached the KMS endpoint");
        Assert.That(File.Exists(folder.Combine("orders.csv")) || Directory.Exists(folder.Combine("out")) && Directory.EnumerateFiles(folder.Combine("out"), "orders.csv", SearchOption.AllDirectories).Any(), Is.False);
    }

    [Test]
    public async Task Decrypt_KmsMessageWithoutAllowedKey_Exits2NamingTheFixWithoutCallingKms()
    {
        using var folder = new TempDirectory();
        var key = LocalKmsServer.Instance.CreateKey();
        var message = await KmsTestMessages.EncryptAsync(TestData.Csv(100), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, [key]);
        var input = folder.WriteFile("in.encrypted", message);

        var decrypt = await S3S2Program.RunAsync("decrypt", input, "--out", folder.Combine("out.csv"), "--kms-endpoint", LocalKmsServer.Instance.Endpoint);

        Assert.That(decrypt.ExitCode, Is.EqualTo(2), () => decrypt.StandardError);
        Assert.That(decrypt.StandardError, Does.Contain("--kms-key").And.Contain("--kms-account"));
        Assert.That(LocalKmsServer.Instance.CallsFor(key).Count(c => c.Operation == "Decrypt"), Is.Zero);
        Assert.That(File.Exists(folder.Combine("out.csv")), Is.False);
    }

    [Test]
    public async Task Decrypt_FinalFrameAltered_Exits4AndLeavesNoOutput()
    {
        using var folder = new TempDirectory();
        var message = await KmsTestMessages.EncryptAsync(TestData.Random(20_000, 4), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096);
        message[^2] ^= 0x80;
        var input = folder.WriteFile("bad.encrypted", message);

        var decrypt = await S3S2Program.RunAsync("decrypt", input, "--out", folder.Combine("out.bin"), "--kms-endpoint", LocalKmsServer.Instance.Endpoint, "--kms-key", KmsTestMessages.KeysNamedBy(message)[0]);

        Assert.That(decrypt.ExitCode, Is.EqualTo(4), () => decrypt.StandardError);
        Assert.That(decrypt.StandardError, Does.Contain("final frame"));
        Assert.That(Directory.GetFiles(folder.Path), Is.EqualTo(new[] { input }));
    }

    [Test]
    public async Task Share_BothPgpAndKmsKeys_Exits2()
    {
        using var folder = new TempDirectory();
        var input = folder.WriteFile("a.csv", [1]);

        var share = await S3S2Program.RunAsync("share", input, "--to", folder.Combine("store"), "--kms-key", "arn:aws:kms:us-east-1:111122223333:key/k", "--pgp-key", input);

        Assert.That(share.ExitCode, Is.EqualTo(2));
        Assert.That(share.StandardError, Does.Contain("one kind of encryption key").And.Contain("not both"));
    }

    [Test]
    public async Task ShareThenReceive_KmsOnlyNoSecretKey_ReceivesIdenticalBytes()
    {
        using var folder = new TempDirectory();
        var content = TestData.Csv(500);
        var input = folder.WriteFile("in/orders.csv", content);
        var key = LocalKmsServer.Instance.CreateKey();
        var share = await S3S2Program.RunAsync("share", folder.Combine("in"), "--to", folder.Combine("store"), "--prefix", "partners/acme", "--kms-key", key, "--kms-endpoint", LocalKmsServer.Instance.Endpoint, "--json");
        Assert.That(share.ExitCode, Is.Zero, () => share.StandardError);
        var shareId = System.Text.Json.Nodes.JsonNode.Parse(share.StandardOutput)!["shareId"]!.GetValue<string>();

        var receive = await S3S2Program.RunAsync("receive", "--from", folder.Combine("store"), "--prefix", "partners/acme", "--out", folder.Combine("out"), "--kms-endpoint", LocalKmsServer.Instance.Endpoint, "--kms-key", key);

        Assert.That(receive.ExitCode, Is.Zero, () => receive.StandardError);
        Assert.That(await File.ReadAllBytesAsync(folder.Combine("out", shareId, "orders.csv")), Is.EqualTo(content));
    }

    /// <summary>An environment in which the AWS SDK's standard chain finds no credentials (no variables, files or instance metadata).</summary>
    private static Dictionary<string, string?> WithoutAwsCredentials(TempDirectory folder) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = null,
        ["AWS_SECRET_ACCESS_KEY"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_SHARED_CREDENTIALS_FILE"] = folder.Combine("no-credentials"),
        ["AWS_CONFIG_FILE"] = folder.Combine("no-config"),
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };
}
