using System.Text;
using System.Text.Json;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Tests.Receiving;

namespace S3S2.Sharing.Tests.Cli;

/// <summary>The real s3s2 program: list, receive and decrypt, and the exit codes scripts rely on.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ReceiveCommandTests
{
    private static readonly byte[] Content = TestData.Csv(3000);
    private static readonly string[] Armor = ["--armor"];
    private static readonly string[] MessageAndKey = ["m.gpg", "receiver.sec.asc"];

    [Test]
    public async Task Receive_S3BucketWithEndpoint_Exit0AndFilesWritten()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        using var keys = new TempDirectory();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "daily/orders été.csv");

        var result = await RunAsync(
            ["receive", "--bucket", bed.Bucket!, "--endpoint", bed.Server!.Endpoint, "--prefix", ReceiveTestBed.Prefix, "--out", bed.Output.Path, "--pgp-secret-key", SecretKeyFile(keys)],
            S3Environment());

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "daily", "orders été.csv")), Is.EqualTo(Content));
    }

    [Test]
    public async Task List_S3BucketJson_CompleteAndIncompleteShares()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "a.csv");
        await bed.WriteObjectAsync($"{ReceiveTestBed.Prefix}/20261127T000000000Z-deadbeef/a.csv.gpg", [1]);

        var result = await RunAsync(["list", "--bucket", bed.Bucket!, "--endpoint", bed.Server!.Endpoint, "--prefix", ReceiveTestBed.Prefix, "--json"], S3Environment());

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.That(json.RootElement.GetProperty("complete")[0].GetProperty("shareId").GetString(), Is.EqualTo(receipt.ShareId));
        Assert.That(json.RootElement.GetProperty("incomplete")[0].GetString(), Is.EqualTo("20261127T000000000Z-deadbeef"));
    }

    [Test]
    public async Task Receive_SecondRun_Exit0AndNothingChanged()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var keys = new TempDirectory();
        await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "a.csv");
        string[] arguments = ["receive", "--from", bed.StoreFolder!.Path, "--prefix", ReceiveTestBed.Prefix, "--out", bed.Output.Path, "--pgp-secret-key", SecretKeyFile(keys)];

        var first = await RunAsync(arguments);
        var second = await RunAsync(arguments);

        Assert.That((first.ExitCode, second.ExitCode), Is.EqualTo((0, 0)), first.StandardError + second.StandardError);
        Assert.That(second.StandardOutput, Does.Contain("already received"));
    }

    [TestCase("body")]
    [TestCase("truncated")]
    [TestCase("manifest-hash")]
    [TestCase("manifest-path")]
    [TestCase("replaced")]
    public async Task Receive_IntegrityFailure_Exit4NamingItAndNothingWritten(string attack)
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var keys = new TempDirectory();
        var receipt = await bed.Sharer(compression: OpenPgpCompression.None).ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var file = receipt.Files[0];
        var bytes = await bed.ReadObjectAsync(file.Key);
        switch (attack)
        {
            case "body":
                bytes[bytes.Length / 2] ^= 0x10;
                await bed.WriteObjectAsync(file.Key, bytes);
                break;
            case "truncated":
                await bed.WriteObjectAsync(file.Key, bytes[..^30]);
                break;
            case "manifest-hash":
                await bed.PlantManifestAsync(receipt.ShareId, [new ManifestFile(file.Path, file.Key, file.Size, TestData.Sha256Hex([1]), "none")]);
                break;
            case "manifest-path":
                await bed.PlantManifestAsync(receipt.ShareId, [new ManifestFile("../../escape.csv", file.Key, file.Size, file.Sha256, "none")]);
                break;
            default:
                var other = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(10)), "orders.csv");
                await bed.WriteObjectAsync(file.Key, await bed.ReadObjectAsync(other.Files[0].Key));
                break;
        }

        var result = await RunAsync(["receive", "--from", bed.StoreFolder!.Path, "--prefix", ReceiveTestBed.Prefix, "--share", receipt.ShareId, "--out", bed.Output.Path, "--pgp-secret-key", SecretKeyFile(keys)]);

        Assert.That(result.ExitCode, Is.EqualTo(4), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("integrity failure").And.Contain(attack == "manifest-path" ? "escape.csv" : "orders.csv"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task Receive_DeleteAfterReceive_ReceivesThenEmptiesTheStore()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var keys = new TempDirectory();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");

        var result = await RunAsync(["receive", "--from", bed.StoreFolder!.Path, "--prefix", ReceiveTestBed.Prefix, "--out", bed.Output.Path, "--pgp-secret-key", SecretKeyFile(keys), "--delete-after-receive"]);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "orders.csv")), Is.EqualTo(Content));
        Assert.That(Directory.GetFiles(bed.StoreFolder.Path, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [TestCase("receive")]
    [TestCase("list")]
    public async Task FromAFolderThatIsNotThere_Exit2NamingItNotAnEmptyStore(string command)
    {
        using var work = new TempDirectory();
        using var keys = new TempDirectory();
        var missing = work.Combine("stroe");
        string[] output = command == "receive" ? ["--out", work.Combine("inbox")] : [];

        var result = await RunAsync([command, "--from", missing, "--prefix", ReceiveTestBed.Prefix, .. output, "--pgp-secret-key", SecretKeyFile(keys)]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain($"The folder store '{missing}' does not exist"));
        Assert.That(Directory.GetFileSystemEntries(work.Path), Is.Empty);
    }

    [Test]
    public async Task Receive_ShareIdNotInTheStore_Exit2NamingTheFixWithoutTheApisParameterName()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var keys = new TempDirectory();
        await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");

        var result = await RunAsync(["receive", "--from", bed.StoreFolder!.Path, "--prefix", ReceiveTestBed.Prefix, "--share", "20261127T004512345Z-1a2b3c4d", "--out", bed.Output.Path, "--pgp-secret-key", SecretKeyFile(keys)]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("There is no share 20261127T004512345Z-1a2b3c4d").And.Contain("(CLI: s3s2 list)."));
        Assert.That(result.StandardError, Does.Not.Contain("(Parameter"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task Receive_DifferentFileAtTarget_Exit1Conflict()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var keys = new TempDirectory();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        bed.Output.WriteFile($"{receipt.ShareId}/orders.csv", "mine"u8.ToArray());

        var result = await RunAsync(["receive", "--from", bed.StoreFolder!.Path, "--prefix", ReceiveTestBed.Prefix, "--out", bed.Output.Path, "--pgp-secret-key", SecretKeyFile(keys)]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("conflict"));
        Assert.That(await File.ReadAllTextAsync(bed.Output.Combine(receipt.ShareId, "orders.csv")), Is.EqualTo("mine"));
    }

    [Test]
    public async Task Receive_ShareEncryptedToAnotherKey_Exit2()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var keys = new TempDirectory();
        await bed.Sharer(TestKeys.SecondReceiver).ShareStreamAsync(new MemoryStream(Content), "orders.csv");

        var result = await RunAsync(["receive", "--from", bed.StoreFolder!.Path, "--prefix", ReceiveTestBed.Prefix, "--out", bed.Output.Path, "--pgp-secret-key", SecretKeyFile(keys)]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("none of which is among the configured secret keys"));
    }

    [Test]
    public async Task Receive_ObjectChangedAtRestOnS3WithJson_Exit4JsonPrintedAndLaterShareReceived()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        using var keys = new TempDirectory();
        var sharer = bed.Sharer(compression: OpenPgpCompression.None);
        var damaged = await sharer.ShareStreamAsync(new MemoryStream(Content), "orders.csv");
        var later = await sharer.ShareStreamAsync(new MemoryStream(TestData.Csv(50)), "later.csv");
        bed.TamperAtRest(damaged.Files[0].Key, 1000);

        var result = await RunAsync(
            ["receive", "--bucket", bed.Bucket!, "--endpoint", bed.Server!.Endpoint, "--prefix", ReceiveTestBed.Prefix, "--out", bed.Output.Path, "--pgp-secret-key", SecretKeyFile(keys), "--json"],
            S3Environment());

        Assert.That(result.ExitCode, Is.EqualTo(4), result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var statuses = json.RootElement.EnumerateArray().ToDictionary(s => s.GetProperty("shareId").GetString()!, s => s.GetProperty("status").ToString());
        Assert.That(statuses, Has.Count.EqualTo(2));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(later.ShareId, "later.csv")), Is.EqualTo(TestData.Csv(50)));
        Assert.That(File.Exists(bed.Output.Combine(damaged.ShareId, "orders.csv")), Is.False);
    }

    [Test]
    public async Task Receive_PlantedShareForAnotherKeyBesideReadableOnes_Exit0WithWarningOnEveryRun()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var keys = new TempDirectory();
        var planted = await bed.Sharer(TestKeys.SecondReceiver).ShareStreamAsync(new MemoryStream(Content), "planted.csv");
        var good = await bed.Sharer().ShareStreamAsync(new MemoryStream(Content), "good.csv");
        string[] arguments = ["receive", "--from", bed.StoreFolder!.Path, "--prefix", ReceiveTestBed.Prefix, "--out", bed.Output.Path, "--pgp-secret-key", SecretKeyFile(keys)];

        var first = await RunAsync(arguments);
        var second = await RunAsync(arguments);

        Assert.That((first.ExitCode, second.ExitCode), Is.EqualTo((0, 0)), first.StandardError + second.StandardError);
        Assert.That(second.StandardError, Does.Contain($"share {planted.ShareId} is encrypted to none of the given keys"));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(good.ShareId, "good.csv")), Is.EqualTo(Content));
    }

    [Test]
    public async Task Decrypt_PassphraseGivenInsteadOfItsVariable_Exit2WithoutRepeatingIt()
    {
        using var folder = new TempDirectory();
        var input = folder.WriteFile("m.gpg", await ReceiveTestBed.EncryptAsync(Content));

        var result = await RunAsync(["decrypt", input, "--out", folder.Combine("out.csv"), "--pgp-secret-key", SecretKeyFile(folder), "--passphrase-env", "Tr0ub4dor&3 correct horse"]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("--passphrase-env takes the name of the environment variable").And.Not.Contain("Tr0ub4dor"));
        Assert.That(File.Exists(folder.Combine("out.csv")), Is.False);
    }

    [TestCase("zlib", true)]
    [TestCase("none", false)]
    public async Task Decrypt_GpgMadeMessage_Exit0AndPlaintext(string compression, bool armor)
    {
        using var gpg = Gpg.Create();
        using var folder = new TempDirectory();
        await gpg.ImportAsync(TestKeys.Receiver.PublicKeyArmored);
        var input = folder.WriteFile("in.csv", Content);
        var encrypted = input + (armor ? ".asc" : ".gpg");
        var made = await gpg.RunAsync([.. armor ? Armor : [], "--trust-model", "always", "--recipient", TestKeys.Receiver.Fingerprint, "--compress-algo", compression, "--output", encrypted, "--encrypt", input]);
        Assert.That(made.ExitCode, Is.Zero, made.StandardError);

        var result = await RunAsync(["decrypt", encrypted, "--out", folder.Combine("out.csv"), "--pgp-secret-key", SecretKeyFile(folder)]);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(await File.ReadAllBytesAsync(folder.Combine("out.csv")), Is.EqualTo(Content));
    }

    [Test]
    public async Task Decrypt_PassphraseFromEnvironment_Exit0AndWrongPassphraseExit2()
    {
        var key = OpenPgpKeyGenerator.Generate("Protected <p@s3s2.test>", "s3cret pass".AsSpan(), 2048);
        using var folder = new TempDirectory();
        var secretKey = folder.WriteFile("k.sec.asc", System.Text.Encoding.ASCII.GetBytes(key.SecretKeyArmored));
        var message = folder.WriteFile("m.gpg", await EncryptToAsync(key, Content));
        string[] arguments = ["decrypt", message, "--out", folder.Combine("out.csv"), "--pgp-secret-key", secretKey, "--passphrase-env", "S3S2_TEST_PASSPHRASE"];

        var wrong = await RunAsync(arguments, new Dictionary<string, string?> { ["S3S2_TEST_PASSPHRASE"] = "not it" });
        var right = await RunAsync(arguments, new Dictionary<string, string?> { ["S3S2_TEST_PASSPHRASE"] = "s3cret pass" });

        Assert.That(wrong.ExitCode, Is.EqualTo(2), wrong.StandardError);
        Assert.That(wrong.StandardError, Does.Contain("passphrase is wrong").And.Not.Contain("not it"));
        Assert.That(right.ExitCode, Is.Zero, right.StandardError);
        Assert.That(await File.ReadAllBytesAsync(folder.Combine("out.csv")), Is.EqualTo(Content));
    }

    [TestCase("truncated")]
    [TestCase("no-mdc")]
    [TestCase("mdc")]
    public async Task Decrypt_BadMessage_Exit4AndNoOutput(string kind)
    {
        using var folder = new TempDirectory();
        var message = kind == "no-mdc" ? ReceiveTestBed.EncryptWithoutIntegrity(Content) : await ReceiveTestBed.EncryptAsync(Content);
        message = kind switch
        {
            "truncated" => message[..^100],
            "mdc" => Flip(message),
            _ => message,
        };
        var input = folder.WriteFile("m.gpg", message);

        var result = await RunAsync(["decrypt", input, "--out", folder.Combine("out.csv"), "--pgp-secret-key", SecretKeyFile(folder)]);

        Assert.That(result.ExitCode, Is.EqualTo(4), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("m.gpg"));
        Assert.That(Directory.EnumerateFiles(folder.Path).Select(Path.GetFileName), Is.EquivalentTo(MessageAndKey));
    }

    /// <summary>A limit out of its range is a usage error in the option's own words, not the library property it would set.</summary>
    [TestCase("receive", "--max-files", "0", "--max-files '0' is not a whole number of at least 1.")]
    [TestCase("receive", "--max-files", "abc", "--max-files 'abc' is not a whole number of at least 1.")]
    [TestCase("receive", "--max-file-bytes", "0", "--max-file-bytes '0' is not a whole number of at least 1.")]
    [TestCase("receive", "--max-share-bytes", "-1", "--max-share-bytes '-1' is not a whole number of at least 1.")]
    [TestCase("receive", "--max-path-depth", "0", "--max-path-depth '0' is not a whole number of at least 1.")]
    [TestCase("receive", "--read-timeout", "0", "--read-timeout '0' is not a whole number from 1 to 3600.")]
    [TestCase("decrypt", "--max-expansion-ratio", "0", "--max-expansion-ratio '0' is not a whole number of at least 1.")]
    [TestCase("worker", "--visibility-timeout", "1", "--visibility-timeout '1' is not a whole number from 3 to 43200.")]
    [TestCase("init", "--expire-days", "0", "--expire-days '0' is not a whole number of at least 1.")]
    public async Task NumberOutOfRange_Exit2NamingTheOptionValueAndRange(string command, string option, string value, string expected)
    {
        using var work = new TempDirectory();
        string[] rest = command switch
        {
            "receive" => ["--from", work.Path, "--out", work.Combine("inbox")],
            "decrypt" => [work.WriteFile("m.gpg", [1]), "--out", work.Combine("out.csv")],
            "worker" => ["--queue-url", "http://127.0.0.1:9/q", "--bucket", "b", "--out", work.Combine("inbox")],
            _ => ["--bucket", "b", "--prefix", "p", "--pgp-key", work.WriteFile("r.pub.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored)), "--out", work.Combine("p.json")],
        };

        var result = await RunAsync([command, .. rest, option, value]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain(expected));
        Assert.That(Directory.EnumerateFileSystemEntries(work.Path).Select(Path.GetFileName), Is.SubsetOf(new[] { "m.gpg", "r.pub.asc" }));
    }

    /// <summary>`decrypt` has no manifest to hold the output to: its own limits refuse a message before it fills a disk.</summary>
    [TestCase("--max-file-bytes", "MaxFileBytes 1000")]
    [TestCase("--max-expansion-ratio", "decompresses to more than 2 times")]
    public async Task Decrypt_OverALimit_Exit3NamingItAndNoOutput(string option, string expected)
    {
        using var folder = new TempDirectory();
        var compressible = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("2026-11-27,order,42,EUR\n", 40_000)));
        var input = folder.WriteFile("m.gpg", await ReceiveTestBed.EncryptAsync(compressible, OpenPgpCompression.Zlib));
        Assert.That(compressible, Has.Length.GreaterThan(2 * 64 * 1024), "more than twice the 64 KiB the ratio counts at least");

        var result = await RunAsync(["decrypt", input, "--out", folder.Combine("out.csv"), "--pgp-secret-key", SecretKeyFile(folder), option, option == "--max-file-bytes" ? "1000" : "2"]);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.StandardError);
        Assert.That(result.StandardError, Does.Contain(expected).And.Contain(option).And.Not.Contain("   at "));
        Assert.That(Directory.EnumerateFiles(folder.Path).Select(Path.GetFileName), Is.EquivalentTo(MessageAndKey));
    }

    [TestCase("public", "holds a public key")]
    [TestCase("missing", "Cannot read the key file")]
    [TestCase("damaged", "is not a readable OpenPGP secret key")]
    public async Task Decrypt_UnusableSecretKeyFile_Exit2NamingItAndNoOutput(string kind, string expected)
    {
        using var folder = new TempDirectory();
        var input = folder.WriteFile("m.gpg", await ReceiveTestBed.EncryptAsync(Content));
        var armored = kind == "public" ? TestKeys.Receiver.PublicKeyArmored : TestKeys.Receiver.SecretKeyArmored;
        var key = kind == "missing"
            ? folder.Combine("receiver.sec.asc")
            : folder.WriteFile("receiver.sec.asc", System.Text.Encoding.ASCII.GetBytes(kind == "damaged" ? armored[..(armored.Length / 2)] + "!!!!" + armored[(armored.Length / 2)..] : armored));

        var result = await RunAsync(["decrypt", input, "--out", folder.Combine("out.csv"), "--pgp-secret-key", key]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("receiver.sec.asc").And.Contain(expected).And.Not.Contain("   at "));
        Assert.That(File.Exists(folder.Combine("out.csv")), Is.False);
        Assert.That(Directory.EnumerateFiles(folder.Path).Select(Path.GetFileName), Is.SubsetOf(MessageAndKey));
    }

    [Test]
    public async Task Decrypt_DifferentFileAtOutput_Exit1AndKept()
    {
        using var folder = new TempDirectory();
        var input = folder.WriteFile("m.gpg", await ReceiveTestBed.EncryptAsync(Content));
        var output = folder.WriteFile("out.csv", "mine"u8.ToArray());

        var result = await RunAsync(["decrypt", input, "--out", output, "--pgp-secret-key", SecretKeyFile(folder)]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("never overwritten"));
        Assert.That(await File.ReadAllTextAsync(output), Is.EqualTo("mine"));
    }

    private static Task<ProcessRunner.Result> RunAsync(string[] arguments, IDictionary<string, string?>? environment = null) => S3S2Program.RunAsync(arguments, environment);

    private static Dictionary<string, string?> S3Environment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = LocalS3Server.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = LocalS3Server.SecretKey,
        ["AWS_REGION"] = "us-east-1",
    };

    private static string SecretKeyFile(TempDirectory folder) =>
        folder.WriteFile("receiver.sec.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.SecretKeyArmored));

    private static byte[] Flip(byte[] message)
    {
        message[^1] ^= 0x01;
        return message;
    }

    private static async Task<byte[]> EncryptToAsync(OpenPgpGeneratedKey key, byte[] content)
    {
        var encryptor = new OpenPgpEncryptor(TestKeys.Recipients(key), OpenPgpCompression.Zlib);
        using var output = new MemoryStream();
        await encryptor.EncryptAsync(new MemoryStream(content), output, new S3S2.Sharing.Encryption.EncryptionContext("s", "f"));
        return output.ToArray();
    }
}
