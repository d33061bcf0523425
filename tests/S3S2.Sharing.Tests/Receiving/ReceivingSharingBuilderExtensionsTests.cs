using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

[TestFixture]
public sealed class ReceivingSharingBuilderExtensionsTests
{
    [Test]
    public void AddReceiving_ReceiveOnlyClientWithLocalStore_ResolvesWithoutEncryption()
    {
        using var store = new TempDirectory();
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddLocalFolderStore(store.Path).AddReceiving();
        using var provider = Build(services);

        Assert.DoesNotThrow(() => provider.GetRequiredService<IReceiveClient>(), "the whole configuration validates and the client builds");
        Assert.That(provider.GetRequiredService<IOptionsMonitor<ShareClientOptions>>().Get(ShareClientOptions.DefaultName), Is.Not.Null, "options validate without an encryptor");
    }

    [Test]
    public void AddReceiving_ReceiveOnlyClientResolvedAsShareClient_ExplainsHowToShare()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddReceiving();
        using var provider = Build(services);

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Message, Does.Contain("receiving only").And.Contain("AddOpenPgpEncryption"));
    }

    [Test]
    public async Task AddReceiving_NoStore_ListExplainsAndDecryptStillWorks()
    {
        using var folder = new TempDirectory();
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddReceiving(o => o.SecretKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.SecretKeyArmored)));
        using var provider = Build(services);
        var client = provider.GetRequiredService<IReceiveClient>();
        var input = folder.WriteFile("m.gpg", await ReceiveTestBed.EncryptAsync(TestData.Csv(10)));

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => client.ListSharesAsync());
        await client.DecryptFileAsync(input, folder.Combine("m.csv"));

        Assert.That((await error)!.Message, Does.Contain("AddLocalFolderStore"));
        Assert.That(await File.ReadAllBytesAsync(folder.Combine("m.csv")), Is.EqualTo(TestData.Csv(10)));
    }

    [Test]
    public void AddReceiving_MaxConcurrentFilesZero_ValidationNamesTheValue()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddReceiving(o => o.MaxConcurrentFiles = 0);
        using var provider = Build(services);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IReceiveClient>());

        Assert.That(error!.Message, Does.Contain("MaxConcurrentFiles 0 must be between 1 and 64"));
    }

    [Test]
    public void AddReceiving_NamedClient_ResolvedThroughFactory()
    {
        using var store = new TempDirectory();
        var services = new ServiceCollection();
        services.AddS3S2Sharing("acme", o => o.Prefix = "partners/acme").AddLocalFolderStore(store.Path).AddReceiving();
        using var provider = Build(services);

        var factory = provider.GetRequiredService<IReceiveClientFactory>();

        Assert.That(factory.CreateClient("acme"), Is.SameAs(factory.CreateClient("acme")));
        Assert.Throws<InvalidOperationException>(() => factory.CreateClient("other"));
    }

    [Test]
    public async Task AddReceiving_NoSecretKey_DecryptExplainsHowToAddOne()
    {
        using var folder = new TempDirectory();
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddReceiving();
        using var provider = Build(services);
        var input = folder.WriteFile("m.gpg", await ReceiveTestBed.EncryptAsync(TestData.Csv(10)));

        var error = await Assert.ThrowsAsync<S3S2.Sharing.Encryption.EncryptionKeyException>(() => provider.GetRequiredService<IReceiveClient>().DecryptFileAsync(input, folder.Combine("m.csv")));

        Assert.That(error!.Message, Does.Contain("No OpenPGP secret key is configured"));
        Assert.That(File.Exists(folder.Combine("m.csv")), Is.False);
    }

    private static ServiceProvider Build(ServiceCollection services) =>
        services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
}
