using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.DependencyInjection;

[TestFixture]
public sealed class EncryptorSharingBuilderExtensionsTests
{
    [Test]
    public async Task ShareStreamAsync_HostEncryptorWritingTheConfiguredFormat_StoredAndDecryptsToTheSameBytes()
    {
        using var store = new TempDirectory();
        var host = new HostOpenPgpEncryptor(TestKeys.Receiver.PublicKeyArmored);
        await using var provider = Provider(store.Path, _ => host);
        var content = TestData.Csv(50_000);

        var receipt = await provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(content), "a.csv");

        Assert.That(host.Calls, Is.EqualTo(2), "the file and the manifest");
        var stored = await File.ReadAllBytesAsync(Path.Combine(store.Path, receipt.Files[0].Key));
        Assert.That(TestKeys.Decrypt(stored, TestKeys.Receiver).Plaintext, Is.EqualTo(content));
        Assert.That(File.Exists(Path.Combine(store.Path, receipt.ManifestKey)), Is.True);
    }

    [Test]
    public async Task ShareStreamAsync_HostEncryptorWritingToAnotherKey_RefusedNothingStored()
    {
        using var store = new TempDirectory();
        await using var provider = Provider(store.Path, _ => new HostOpenPgpEncryptor(TestKeys.Attacker.PublicKeyArmored));

        var refusal = await ShareFailures.InnerAsync<SharePolicyException>(() =>
            provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(TestData.Csv(10)), "a.csv"));

        Assert.That(refusal.Message, Does.Contain("encrypted to key ids"));
        Assert.That(Directory.EnumerateFiles(store.Path, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task ShareStreamAsync_HostEncryptorWritingPlaintextInGenuinePackets_RefusedNothingStored()
    {
        using var store = new TempDirectory();
        await using var provider = Provider(store.Path, _ => new PlaintextInSealedPacketEncryptor(TestKeys.Recipients(TestKeys.Receiver)));

        var refusal = await ShareFailures.InnerAsync<SharePolicyException>(() =>
            provider.GetRequiredService<IShareClient>().ShareStreamAsync(new MemoryStream(TestData.Csv(10_000)), "a.csv"));

        Assert.That(refusal.Message, Does.Contain("does not look like ciphertext"));
        Assert.That(Directory.EnumerateFiles(store.Path, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task GetService_HostEncryptorDescribingAnotherFormat_NamesBothFormats()
    {
        using var store = new TempDirectory();
        await using var provider = Provider(store.Path, _ => new PassThroughKmsLookalike());

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Message, Does.Contain("mode 'kms-envelope'").And.Contain("mode 'openpgp'").And.Contain("AddOpenPgpEncryption(...)"));
    }

    [Test]
    public void GetService_HostEncryptorWithoutAConfiguredFormat_NamesTheFix()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddEncryptor(_ => new HostOpenPgpEncryptor(TestKeys.Receiver.PublicKeyArmored)).AddLocalFolderStore("store");
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Failures, Is.EqualTo(new[]
        {
            "S3S2 client 'default': AddEncryptor(...) was called but no format is configured for the share policy to check its output against. Also call AddOpenPgpEncryption(...) (recipient keys, pins) or AddKmsEnvelopeEncryption(...) (key ARNs).",
        }));
    }

    private static ServiceProvider Provider(string store, Func<IServiceProvider, IEncryptor> encryptor)
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Prefix = "partners/acme")
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored));
                o.PinnedFingerprints.Add(TestKeys.Receiver.Fingerprint);
            })
            .AddEncryptor(encryptor)
            .AddLocalFolderStore(store);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private sealed class PassThroughKmsLookalike : IEncryptor
    {
        public EncryptionDescriptor Descriptor { get; } = new("kms-envelope", ".encrypted", ["k"], "none");

        public Task EncryptAsync(Stream plaintext, Stream ciphertext, EncryptionContext context, CancellationToken cancellationToken = default) =>
            plaintext.CopyToAsync(ciphertext, cancellationToken);
    }
}
