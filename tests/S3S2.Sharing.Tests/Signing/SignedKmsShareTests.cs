using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Signing;

/// <summary>
/// Signed shares in KMS envelope mode, through the local S3 server and the local KMS endpoint: the encrypted manifest
/// holds the signed manifest bytes and a detached OpenPGP signature gpg verifies; pins are enforced as in OpenPGP mode.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class SignedKmsShareTests
{
    private const string Prefix = "partners/kms";
    private static readonly byte[] Orders = TestData.Csv(3000);

    [Test]
    public async Task ShareAsync_KmsEnvelopeSigned_ManifestCarriesDetachedSignatureGpgVerifies()
    {
        using var source = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        await using var provider = await ProviderAsync(TestKeys.PartnerSigner, receive: null);
        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync([source.Path]);
        using var payload = new MemoryStream();
        await provider.GetRequiredService<IReceiveClient>().DecryptAsync(new MemoryStream(await LocalS3Server.Instance.GetObjectBytesAsync(Bucket(provider), receipt.ManifestKey)), payload);
        var envelope = JsonSerializer.Deserialize(payload.ToArray(), ManifestJsonContext.Default.SignedManifestEnvelope)!;
        using var gpg = Gpg.Create();
        await gpg.ImportAsync(TestKeys.PartnerSigner.PublicKeyArmored);
        var data = Path.Combine(gpg.Home, "manifest.json");
        var signature = Path.Combine(gpg.Home, "manifest.json.sig");
        await File.WriteAllBytesAsync(data, envelope.SignedManifest!);
        await File.WriteAllBytesAsync(signature, envelope.Signature!);

        var verify = await gpg.RunAsync("--status-fd", "2", "--verify", signature, data);

        Assert.That(verify.ExitCode, Is.Zero, verify.StandardError);
        Assert.That(verify.StandardError, Does.Contain($"[GNUPG:] VALIDSIG {TestKeys.PartnerSigner.Fingerprint} "));
        using var manifest = JsonDocument.Parse(envelope.SignedManifest!);
        Assert.That(manifest.RootElement.GetProperty("shareId").GetString(), Is.EqualTo(receipt.ShareId));
    }

    [Test]
    public async Task ReceiveShareAsync_KmsEnvelopeSignedByPinnedPartner_ReceivedWithSigner()
    {
        using var source = new TempDirectory();
        using var output = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        await using var provider = await ProviderAsync(TestKeys.PartnerSigner, SignedShareTests.Require(Prefix + "=" + TestKeys.PartnerSigner.Fingerprint));
        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync([source.Path]);

        var received = await provider.GetRequiredService<IReceiveClient>().ReceiveShareAsync(receipt.ShareId, output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), received.Error);
        Assert.That(received.SignerFingerprint, Is.EqualTo(TestKeys.PartnerSigner.Fingerprint));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(output.Path, receipt.ShareId, "orders.csv")), Is.EqualTo(Orders));
    }

    [TestCase(false, "is not signed")]
    [TestCase(true, "which is not pinned")]
    public async Task ReceiveShareAsync_KmsEnvelopeUnsignedOrWrongSigner_RefusedNothingWritten(bool signedByOther, string reason)
    {
        using var source = new TempDirectory();
        using var output = new TempDirectory();
        source.WriteFile("orders.csv", Orders);
        await using var provider = await ProviderAsync(signedByOther ? TestKeys.OtherPartnerSigner : null, SignedShareTests.Require(TestKeys.PartnerSigner.Fingerprint));
        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync([source.Path]);

        var received = await provider.GetRequiredService<IReceiveClient>().ReceiveShareAsync(receipt.ShareId, output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Refused));
        Assert.That(received.Error, Does.Contain(reason));
        Assert.That(Directory.EnumerateFileSystemEntries(output.Path), Is.Empty);
    }

    private static string Bucket(ServiceProvider provider) =>
        provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ShareClientOptions>>().Get(ShareClientOptions.DefaultName).Bucket!;

    private static async Task<ServiceProvider> ProviderAsync(OpenPgpGeneratedKey? signer, Action<ReceiveClientOptions>? receive)
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var key = LocalKmsServer.Instance.CreateKey();
        var services = new ServiceCollection();
        var builder = services.AddS3S2Sharing(o =>
            {
                o.Bucket = bucket;
                o.Prefix = Prefix;
            })
            .AddKmsEnvelopeEncryption(o =>
            {
                o.KeyIds.Add(key);
                o.ServiceUrl = LocalKmsServer.Instance.Endpoint;
                o.Credentials = LocalKmsServer.Credentials;
            })
            .AddS3Store(o =>
            {
                o.ServiceUrl = server.Endpoint;
                o.Credentials = LocalS3Server.Credentials;
            })
            .AddReceiving(o =>
            {
                o.KmsServiceUrl = LocalKmsServer.Instance.Endpoint;
                o.KmsCredentials = LocalKmsServer.Credentials;
                o.AllowedKmsKeyIds.Add(key);
                receive?.Invoke(o);
            });
        if (signer is not null)
        {
            SignedShareTests.Sign(builder, signer);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
