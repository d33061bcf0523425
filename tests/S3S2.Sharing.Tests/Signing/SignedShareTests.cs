using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Signing;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Tests.Receiving;

namespace S3S2.Sharing.Tests.Signing;

/// <summary>
/// Signed shares in OpenPGP mode: the manifest object is a one-pass signed, encrypted message real gpg verifies; the
/// receiver accepts only the signers pinned for the share's prefix and writes nothing of a refused share.
/// </summary>
[TestFixture]
public sealed class SignedShareTests
{
    private static readonly byte[] Orders = TestData.Csv(2000);

    [TestCase(OpenPgpCompression.Zlib)]
    [TestCase(OpenPgpCompression.None)]
    public async Task ShareAsync_SigningKey_GpgDecryptsManifestWithValidSignatureAndFilesMatchIt(OpenPgpCompression compression)
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        var receipt = await bed.Sharer(compression: compression, configure: b => Sign(b, TestKeys.PartnerSigner)).ShareAsync([source.Path]);
        using var gpg = Gpg.Create();
        await gpg.ImportAsync(TestKeys.Receiver.SecretKeyArmored);
        await gpg.ImportAsync(TestKeys.PartnerSigner.PublicKeyArmored);

        var (manifestJson, status, exitCode) = await gpg.DecryptAsync(await bed.ReadObjectAsync(receipt.ManifestKey));
        var (file, _, fileExitCode) = await gpg.DecryptAsync(await bed.ReadObjectAsync(receipt.Files[0].Key));

        Assert.That(exitCode, Is.Zero, status);
        Assert.That(status, Does.Contain($"[GNUPG:] VALIDSIG {TestKeys.PartnerSigner.Fingerprint} "));
        Assert.That(status, Does.Contain("[GNUPG:] GOODSIG "));
        using var manifest = JsonDocument.Parse(manifestJson);
        Assert.That(manifest.RootElement.GetProperty("shareId").GetString(), Is.EqualTo(receipt.ShareId));
        Assert.That(manifest.RootElement.GetProperty("signer").GetProperty("fingerprint").GetString(), Is.EqualTo(TestKeys.PartnerSigner.Fingerprint));
        Assert.That(fileExitCode, Is.Zero);
        Assert.That(file, Is.EqualTo(Orders));
        Assert.That(manifest.RootElement.GetProperty("files")[0].GetProperty("sha256").GetString(), Is.EqualTo(TestData.Sha256Hex(file)));
    }

    [Test]
    public async Task ReceiveShareAsync_SignedByPinnedPartner_ReceivedWithSignerFingerprint()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        var receipt = await bed.Sharer(configure: b => Sign(b, TestKeys.PartnerSigner)).ShareAsync([source.Path]);

        var received = await bed.Receiver(configure: Require(ReceiveTestBed.Prefix + "=" + TestKeys.PartnerSigner.Fingerprint)).ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(received.SignerFingerprint, Is.EqualTo(TestKeys.PartnerSigner.Fingerprint));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(received.Directory, "orders.csv")), Is.EqualTo(Orders));
    }

    [Test]
    public async Task ReceiveShareAsync_SignedShareNoPins_ReceivedWithVerifiedSigner()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        var receipt = await bed.Sharer(configure: b => Sign(b, TestKeys.PartnerSigner)).ShareAsync([source.Path]);

        var received = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(received.SignerFingerprint, Is.EqualTo(TestKeys.PartnerSigner.Fingerprint));
    }

    [Test]
    public async Task ReceiveShareAsync_UnsignedShareWhenRequired_RefusedNothingWritten()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        var receipt = await bed.Sharer().ShareAsync([source.Path]);

        var received = await bed.Receiver(configure: Require(TestKeys.PartnerSigner.Fingerprint)).ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(received.Error, Does.Contain("is not signed").And.Contain(TestKeys.PartnerSigner.Fingerprint).And.Contain("--sign-key"));
        Assert.That(received.SignerFingerprint, Is.Null);
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_SignedByUnpinnedKey_RefusedNamingTheFingerprint()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        var receipt = await bed.Sharer(configure: b => Sign(b, TestKeys.OtherPartnerSigner)).ShareAsync([source.Path]);

        var received = await bed.Receiver(configure: Require(TestKeys.PartnerSigner.Fingerprint)).ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(received.Error, Does.Contain($"signed by {TestKeys.OtherPartnerSigner.Fingerprint}, which is not pinned").And.Contain("--require-signer"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_PartnerSignsUnderAnotherPartnersPrefix_RefusedNothingWritten()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        var receipt = await bed.Sharer(configure: b => Sign(b, TestKeys.OtherPartnerSigner)).ShareAsync([source.Path]);

        var received = await bed.Receiver(configure: Require(
                ReceiveTestBed.Prefix + "=" + TestKeys.PartnerSigner.Fingerprint,
                "partners/globex=" + TestKeys.OtherPartnerSigner.Fingerprint))
            .ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(received.Error, Does.Contain($"signed by {TestKeys.OtherPartnerSigner.Fingerprint}, a partner pinned for prefix 'partners/globex' only, not for '{ReceiveTestBed.Prefix}'"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveManifestAsync_ClientOnTheParentPrefix_EachShareCheckedAgainstThePinsOfItsOwnFolder()
    {
        // A queue worker reads every partner's folder with one client on the parent prefix: the pins that apply are
        // those of the folder each share was written to, not the client's prefix.
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        var byAcme = await bed.Sharer(configure: b => Sign(b, TestKeys.PartnerSigner)).ShareAsync([source.Path]);
        var byGlobex = await bed.Sharer(configure: b => Sign(b, TestKeys.OtherPartnerSigner)).ShareAsync([source.Path]);
        var receiver = (ReceiveClient)bed.Receiver(
            prefix: "partners",
            configure: Require(ReceiveTestBed.Prefix + "=" + TestKeys.PartnerSigner.Fingerprint, "partners/globex=" + TestKeys.OtherPartnerSigner.Fingerprint));

        var accepted = await receiver.ReceiveManifestAsync(byAcme.ManifestKey, bed.Output.Path, null, null, CancellationToken.None);
        var refused = await receiver.ReceiveManifestAsync(byGlobex.ManifestKey, bed.Output.Path, null, null, CancellationToken.None);

        Assert.That(accepted.Status, Is.EqualTo(ReceiveStatus.Received), accepted.Error);
        Assert.That(accepted.SignerFingerprint, Is.EqualTo(TestKeys.PartnerSigner.Fingerprint));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(accepted.Directory, "orders.csv")), Is.EqualTo(Orders));
        Assert.That(refused.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(refused.Error, Does.Contain($"a partner pinned for prefix 'partners/globex' only, not for '{ReceiveTestBed.Prefix}'"));
        Assert.That(Directory.Exists(Path.Combine(bed.Output.Path, byGlobex.ShareId)), Is.False, "nothing of the refused share is written");
    }

    [Test]
    public async Task ReceiveShareAsync_SignatureOverAlteredManifestBytes_RefusedNothingWritten()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        var receipt = await bed.Sharer(configure: b => Sign(b, TestKeys.PartnerSigner)).ShareAsync([source.Path]);
        var original = await SignedManifestBytesAsync(bed, receipt.ManifestKey);
        var signature = SigningKey(TestKeys.PartnerSigner).SignDetached(original);

        // The signer's own signature over the manifest as it was, the manifest claiming another SHA-256 for the file.
        var hash = receipt.Files[0].Sha256;
        var altered = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(original).Replace(hash, new string('0', 64), StringComparison.Ordinal));
        Assert.That(altered, Is.Not.EqualTo(original));
        await bed.PlantManifestJsonAsync(receipt.ShareId, JsonSerializer.SerializeToUtf8Bytes(new SignedManifestEnvelope(altered, signature), ManifestJsonContext.Default.SignedManifestEnvelope));

        var received = await bed.Receiver(configure: Require(TestKeys.PartnerSigner.Fingerprint)).ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(received.Error, Does.Contain($"the signature by {TestKeys.PartnerSigner.Fingerprint} does not verify"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsync_SignedEnvelopeOverUnalteredManifest_Received()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        var receipt = await bed.Sharer(configure: b => Sign(b, TestKeys.PartnerSigner)).ShareAsync([source.Path]);
        var original = await SignedManifestBytesAsync(bed, receipt.ManifestKey);
        await bed.PlantManifestJsonAsync(receipt.ShareId, JsonSerializer.SerializeToUtf8Bytes(new SignedManifestEnvelope(original, SigningKey(TestKeys.PartnerSigner).SignDetached(original)), ManifestJsonContext.Default.SignedManifestEnvelope));

        var received = await bed.Receiver(configure: Require(TestKeys.PartnerSigner.Fingerprint)).ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(received.SignerFingerprint, Is.EqualTo(TestKeys.PartnerSigner.Fingerprint));
    }

    [Test]
    public async Task ReceiveShareAsync_ManifestNamesSignerButSignatureStripped_RefusedNothingWritten()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        var receipt = await bed.Sharer(configure: b => Sign(b, TestKeys.PartnerSigner)).ShareAsync([source.Path]);
        await bed.PlantManifestJsonAsync(receipt.ShareId, await SignedManifestBytesAsync(bed, receipt.ManifestKey));

        var received = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(received.Error, Does.Contain($"names signer {TestKeys.PartnerSigner.Fingerprint} in its manifest but carries no signature"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveShareAsyncIntoCallback_SignedByUnpinnedKey_RefusedCallbackNeverCalled()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        var receipt = await bed.Sharer(configure: b => Sign(b, TestKeys.OtherPartnerSigner)).ShareAsync([source.Path]);
        var calls = 0;

        var received = await bed.Receiver(configure: Require(TestKeys.PartnerSigner.Fingerprint)).ReceiveShareAsync(
            receipt.ShareId,
            (_, _) =>
            {
                Interlocked.Increment(ref calls);
                return Task.CompletedTask;
            });

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(received.Error, Does.Contain(TestKeys.OtherPartnerSigner.Fingerprint));
        Assert.That(calls, Is.Zero);
    }

    internal static void Sign(IS3S2SharingBuilder builder, OpenPgpGeneratedKey key) =>
        builder.AddShareSigning(o => o.SigningKey = OpenPgpKeySource.FromArmoredString(key.SecretKeyArmored));

    internal static Action<ReceiveClientOptions> Require(params string[] pins) => o =>
    {
        o.RequireSignedShares = true;
        foreach (var pin in pins)
        {
            o.PinnedSigners.Add(pin);
        }
    };

    private static ManifestSigningKey SigningKey(OpenPgpGeneratedKey key) =>
        ManifestSigningKey.Load(new ShareSigningOptions { SigningKey = OpenPgpKeySource.FromArmoredString(key.SecretKeyArmored) });

    /// <summary>The manifest bytes exactly as signed: the literal data of the one-pass signed message.</summary>
    private static async Task<byte[]> SignedManifestBytesAsync(ReceiveTestBed bed, string manifestKey)
    {
        using var plaintext = new MemoryStream();
        await bed.Receiver().DecryptAsync(new MemoryStream(await bed.ReadObjectAsync(manifestKey)), plaintext);
        return plaintext.ToArray();
    }
}
