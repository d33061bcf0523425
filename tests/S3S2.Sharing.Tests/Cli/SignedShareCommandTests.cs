using System.Text.Json;
using System.Text.RegularExpressions;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Cli;

/// <summary>
/// The real s3s2 program end to end: keygen --signing makes a partner's key, share --sign-key signs with it (gpg
/// verifies the manifest object), list shows the signer, receive --require-signer accepts the pinned partner and
/// refuses any other with exit 3 and nothing written.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed partial class SignedShareCommandTests
{
    private const string Prefix = "partners/acme";
    private static readonly byte[] Content = TestData.Csv(2500);

    [Test]
    public async Task ShareSignKeyThenReceiveRequireSigner_PinnedPartnerReceivedOtherRefusedExit3()
    {
        using var work = new TempDirectory();
        var environment = new Dictionary<string, string?> { ["S3S2_TEST_SIGN_PASSPHRASE"] = "sign pass" };
        var receiverPublic = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var receiverSecret = work.WriteFile("receiver.sec.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.SecretKeyArmored));
        var data = work.WriteFile("data/orders.csv", Content);
        var store = work.Combine("store");

        var keygen = await S3S2Program.RunAsync(["keygen", "--signing", "--name", "acme", "--out", work.Combine("keys"), "--passphrase-env", "S3S2_TEST_SIGN_PASSPHRASE"], environment);
        Assert.That(keygen.ExitCode, Is.Zero, keygen.StandardError);
        var fingerprint = FingerprintLine().Match(keygen.StandardOutput).Groups[1].Value;
        Assert.That(fingerprint, Has.Length.EqualTo(40), keygen.StandardOutput);

        var share = await S3S2Program.RunAsync(
            ["share", data, "--to", store, "--prefix", Prefix, "--pgp-key", receiverPublic, "--sign-key", work.Combine("keys", "acme.sec.asc"), "--passphrase-env", "S3S2_TEST_SIGN_PASSPHRASE"], environment);
        Assert.That(share.ExitCode, Is.Zero, share.StandardError);
        var shareId = ShareIdPattern().Match(share.StandardOutput).Value;

        var list = await S3S2Program.RunAsync(["list", "--from", store, "--prefix", Prefix, "--pgp-secret-key", receiverSecret]);
        var listJson = await S3S2Program.RunAsync(["list", "--from", store, "--prefix", Prefix, "--pgp-secret-key", receiverSecret, "--json"]);
        var listRefusedJson = await S3S2Program.RunAsync(["list", "--from", store, "--prefix", Prefix, "--pgp-secret-key", receiverSecret, "--require-signer", TestKeys.OtherPartnerSigner.Fingerprint, "--json"]);
        var accepted = await S3S2Program.RunAsync(["receive", "--from", store, "--prefix", Prefix, "--out", work.Combine("in-ok"), "--pgp-secret-key", receiverSecret, "--require-signer", $"{Prefix}={fingerprint}"]);
        var refused = await S3S2Program.RunAsync(["receive", "--from", store, "--prefix", Prefix, "--out", work.Combine("in-refused"), "--pgp-secret-key", receiverSecret, "--require-signer", TestKeys.OtherPartnerSigner.Fingerprint]);

        Assert.That(list.ExitCode, Is.Zero, list.StandardError);
        Assert.That(list.StandardOutput, Does.Contain($"{shareId}  complete").And.Contain($"signed by {fingerprint}"));
        Assert.That((listJson.ExitCode, listRefusedJson.ExitCode), Is.EqualTo((0, 0)), listJson.StandardError + listRefusedJson.StandardError);
        using (var json = JsonDocument.Parse(listJson.StandardOutput))
        {
            var listed = json.RootElement.GetProperty("complete").EnumerateArray().Single();
            Assert.That(listed.GetProperty("shareId").GetString(), Is.EqualTo(shareId));
            Assert.That(listed.GetProperty("signer").GetProperty("status").GetString(), Is.EqualTo("Signed"));
            Assert.That(listed.GetProperty("signer").GetProperty("fingerprint").GetString(), Is.EqualTo(fingerprint));
        }

        using (var json = JsonDocument.Parse(listRefusedJson.StandardOutput))
        {
            var signer = json.RootElement.GetProperty("complete").EnumerateArray().Single().GetProperty("signer");
            Assert.That(signer.GetProperty("status").GetString(), Is.EqualTo("Refused"));
            Assert.That(signer.GetProperty("problem").GetString(), Does.Contain($"signed by {fingerprint}, which is not pinned"));
            Assert.That(signer.GetProperty("fingerprint").ValueKind, Is.EqualTo(JsonValueKind.Null));
        }

        Assert.That(accepted.ExitCode, Is.Zero, accepted.StandardError);
        Assert.That(accepted.StandardOutput, Does.Contain($"(signed by {fingerprint})"));
        Assert.That(await File.ReadAllBytesAsync(work.Combine("in-ok", shareId, "orders.csv")), Is.EqualTo(Content));
        Assert.That(refused.ExitCode, Is.EqualTo(3), refused.StandardError);
        Assert.That(refused.StandardError, Does.Contain($"signed by {fingerprint}, which is not pinned").And.Contain("--require-signer"));
        Assert.That(Directory.Exists(work.Combine("in-refused")) ? Directory.EnumerateFileSystemEntries(work.Combine("in-refused"), "*", SearchOption.AllDirectories) : [], Is.Empty);

        // The key keygen --signing made is one gpg verifies with.
        using var gpg = Gpg.Create();
        await gpg.ImportAsync(TestKeys.Receiver.SecretKeyArmored);
        await gpg.ImportAsync(await File.ReadAllTextAsync(work.Combine("keys", "acme.pub.asc")));
        var manifest = Directory.EnumerateFiles(store, "*.manifest.json.gpg", SearchOption.AllDirectories).Single();
        var (_, status, exitCode) = await gpg.DecryptAsync(await File.ReadAllBytesAsync(manifest));
        Assert.That(exitCode, Is.Zero, status);
        Assert.That(status, Does.Contain($"[GNUPG:] VALIDSIG {fingerprint} "));
    }

    [Test]
    public async Task Share_PassphraseEnvWithoutSignKey_Exit2NamingTheFix()
    {
        using var work = new TempDirectory();
        var receiverPublic = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var data = work.WriteFile("orders.csv", Content);

        var result = await S3S2Program.RunAsync(["share", data, "--to", work.Combine("store"), "--pgp-key", receiverPublic, "--passphrase-env", "HOME"]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.StandardError, Does.Contain("give --sign-key FILE too"));
        Assert.That(Directory.Exists(work.Combine("store")), Is.False);
    }

    [Test]
    public async Task Share_ProfileNamesThePartnersSigningKey_OtherKeyOrNoneRefusedPinnedKeyShares()
    {
        using var work = new TempDirectory();
        var receiverPublic = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        var partnerKey = work.WriteFile("acme.sec.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.PartnerSigner.SecretKeyArmored));
        var otherKey = work.WriteFile("globex.sec.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.OtherPartnerSigner.SecretKeyArmored));
        var data = work.WriteFile("orders.csv", Content);
        var profile = work.Combine("acme.profile.json");
        var init = await S3S2Program.RunAsync(["init", "--bucket", "awesomeai-inbox", "--prefix", Prefix, "--pgp-key", receiverPublic, "--partner-signing-key", TestKeys.PartnerSigner.Fingerprint, "--out", profile]);
        Assert.That(init.ExitCode, Is.Zero, init.StandardError);

        var other = await S3S2Program.RunAsync(["share", data, "--profile", profile, "--to", work.Combine("store"), "--sign-key", otherKey]);
        var unsigned = await S3S2Program.RunAsync(["share", data, "--profile", profile, "--to", work.Combine("store")]);
        var nothingYet = Directory.Exists(work.Combine("store"));
        var pinned = await S3S2Program.RunAsync(["share", data, "--profile", profile, "--to", work.Combine("store"), "--sign-key", partnerKey]);

        Assert.That(other.ExitCode, Is.EqualTo(2));
        Assert.That(other.StandardError, Does.Contain($"has fingerprint {TestKeys.OtherPartnerSigner.Fingerprint}, but {TestKeys.PartnerSigner.Fingerprint} is pinned"));
        Assert.That(unsigned.ExitCode, Is.EqualTo(2));
        Assert.That(unsigned.StandardError, Does.Contain($"The profile requires shares signed with your key {TestKeys.PartnerSigner.Fingerprint}"));
        Assert.That(nothingYet, Is.False, "a refused share writes nothing");
        Assert.That(pinned.ExitCode, Is.Zero, pinned.StandardError);
    }

    [GeneratedRegex("Fingerprint \\(receivers pin it\\): +([0-9A-F]{40})")]
    private static partial Regex FingerprintLine();

    [GeneratedRegex("[0-9]{8}T[0-9]{9}Z-[0-9a-f]{8}")]
    private static partial Regex ShareIdPattern();
}
