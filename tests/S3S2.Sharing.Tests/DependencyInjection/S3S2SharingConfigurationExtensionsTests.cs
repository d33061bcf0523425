using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.DependencyInjection;

/// <summary>Configuration that explains itself: errors name the configuration key, enum typos list the allowed values, no silent bucket root.</summary>
[TestFixture]
public sealed class S3S2SharingConfigurationExtensionsTests
{
    private const string SseKey = "arn:aws:kms:eu-west-1:111122223333:key/0c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5";

    [Test]
    public void AddS3S2Sharing_MissingKeyFileWithPins_StartupValidationNamesTheConfigurationKey()
    {
        using var provider = Build(new()
        {
            ["S3S2:OpenPgp:RecipientKeyFiles:0"] = Path.Combine(Path.GetTempPath(), "s3s2-no-such-key.asc"),
            ["S3S2:OpenPgp:PinnedFingerprints:0"] = TestKeys.Receiver.Fingerprint,
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(error!.Message, Does.Contain("(S3S2:OpenPgp:RecipientKeyFiles:0)").And.Contain("Cannot read the key file"));
    }

    [Test]
    public void CreateClient_MissingKeyFileWithoutPins_KeyErrorNamesTheConfigurationKey()
    {
        using var provider = Build(new() { ["S3S2:OpenPgp:RecipientKeyFiles:0"] = Path.Combine(Path.GetTempPath(), "s3s2-no-such-key.asc") });

        var error = Assert.Throws<EncryptionKeyException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Message, Does.Contain("(S3S2:OpenPgp:RecipientKeyFiles:0)"));
    }

    [Test]
    public void AddS3S2Sharing_UnknownEnumValues_ValidationExceptionNamingKeysAndAllowedValues()
    {
        using var work = new TempDirectory();
        using var provider = Build(new()
        {
            ["S3S2:OpenPgp:RecipientKeyFiles:0"] = ReceiverKeyFile(work),
            ["S3S2:OpenPgp:Compression"] = "gzip",
            ["S3S2:ServerSideEncryption:Method"] = "SSE-KMS",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(error!.Failures, Has.Some.EqualTo("S3S2 client 'default': S3S2:OpenPgp:Compression 'gzip' is not one of the allowed values: None, Zlib. Fix the value in the configuration."));
        Assert.That(error.Failures, Has.Some.EqualTo("S3S2 client 'default': S3S2:ServerSideEncryption:Method 'SSE-KMS' is not one of the allowed values: None, S3Managed, Kms. Fix the value in the configuration."));
    }

    [Test]
    public void AddS3S2Sharing_OpenPgpCompressionLevel_BoundBesideTheAlgorithm()
    {
        using var work = new TempDirectory();
        using var provider = Build(new()
        {
            ["S3S2:OpenPgp:RecipientKeyFiles:0"] = ReceiverKeyFile(work),
            ["S3S2:OpenPgp:Compression"] = "zlib",
            ["S3S2:OpenPgp:CompressionLevel"] = " 9 ",
        });

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptionsMonitor<OpenPgpEncryptionOptions>>().Get(ShareClientOptions.DefaultName);

        Assert.That((options.Compression, options.CompressionLevel), Is.EqualTo((OpenPgpCompression.Zlib, 9)));
    }

    [Test]
    public void AddS3S2Sharing_NoOpenPgpCompressionLevel_TheDefault()
    {
        using var work = new TempDirectory();
        using var provider = Build(new() { ["S3S2:OpenPgp:RecipientKeyFiles:0"] = ReceiverKeyFile(work) });

        var options = provider.GetRequiredService<IOptionsMonitor<OpenPgpEncryptionOptions>>().Get(ShareClientOptions.DefaultName);

        Assert.That(options.CompressionLevel, Is.EqualTo(OpenPgpEncryptionOptions.DefaultCompressionLevel).And.EqualTo(4));
    }

    [TestCase("0", "S3S2 client 'default': S3S2:OpenPgp:CompressionLevel 0 is out of range. Use 1 (fastest) to 9 (smallest); 4 is the default.")]
    [TestCase("10", "S3S2 client 'default': S3S2:OpenPgp:CompressionLevel 10 is out of range. Use 1 (fastest) to 9 (smallest); 4 is the default.")]
    [TestCase("fast", "S3S2 client 'default': S3S2:OpenPgp:CompressionLevel 'fast' is not a whole number. Use 1 (fastest) to 9 (smallest); 4 is the default.")]
    public void AddS3S2Sharing_BadOpenPgpCompressionLevel_RefusedAtStartNamingTheKeyAndTheRange(string level, string expected)
    {
        using var work = new TempDirectory();
        using var provider = Build(new()
        {
            ["S3S2:OpenPgp:RecipientKeyFiles:0"] = ReceiverKeyFile(work),
            ["S3S2:OpenPgp:CompressionLevel"] = level,
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(error!.Failures, Has.Some.EqualTo(expected));
    }

    [Test]
    public void AddS3S2Sharing_CompressionLevelWithCompressionNone_RefusedNamingBothKeys()
    {
        using var work = new TempDirectory();
        using var provider = Build(new()
        {
            ["S3S2:OpenPgp:RecipientKeyFiles:0"] = ReceiverKeyFile(work),
            ["S3S2:OpenPgp:Compression"] = "None",
            ["S3S2:OpenPgp:CompressionLevel"] = "9",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(error!.Failures, Has.Some.EqualTo("S3S2 client 'default': S3S2:OpenPgp:CompressionLevel '9' is set but S3S2:OpenPgp:Compression is None, so nothing is compressed. Remove S3S2:OpenPgp:CompressionLevel, or set S3S2:OpenPgp:Compression = Zlib."));
    }

    [Test]
    public void AddS3S2Sharing_ServerSideEncryptionSection_BindsWhatIsRequestedAndRequired()
    {
        using var work = new TempDirectory();
        using var provider = Build(new()
        {
            ["S3S2:OpenPgp:RecipientKeyFiles:0"] = ReceiverKeyFile(work),
            ["S3S2:ServerSideEncryption:Method"] = "kms",
            ["S3S2:ServerSideEncryption:KmsKeyId"] = SseKey,
            ["S3S2:ServerSideEncryption:Required"] = "true",
            ["S3S2:ServerSideEncryption:AllowedKmsKeyIds:0"] = SseKey,
        });

        var sse = provider.GetRequiredService<IOptionsMonitor<ShareClientOptions>>().Get(ShareClientOptions.DefaultName).ServerSideEncryption;

        Assert.That((sse.Method, sse.KmsKeyId, sse.Required, sse.AllowedKmsKeyIds), Is.EqualTo((ServerSideEncryptionMethod.Kms, SseKey, true, new[] { SseKey })));
    }

    [Test]
    public void AddS3S2Sharing_RequiredButNoneRequested_ValidationNamesTheConfigurationKeys()
    {
        using var work = new TempDirectory();
        using var provider = Build(new()
        {
            ["S3S2:OpenPgp:RecipientKeyFiles:0"] = ReceiverKeyFile(work),
            ["S3S2:ServerSideEncryption:Required"] = "true",
            ["S3S2:ServerSideEncryption:KmsKeyId"] = SseKey,
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(error!.Failures, Has.Some.EqualTo($"S3S2 client 'default': S3S2:ServerSideEncryption:KmsKeyId '{SseKey}' is set but S3S2:ServerSideEncryption:Method is None. Set S3S2:ServerSideEncryption:Method = Kms to use the key, or remove S3S2:ServerSideEncryption:KmsKeyId."));
        Assert.That(error.Failures, Has.Some.EqualTo("S3S2 client 'default': server-side encryption is required (S3S2:ServerSideEncryption:Required = true) but S3S2:ServerSideEncryption:Method is None. Set S3S2:ServerSideEncryption:Method to Kms (with S3S2:ServerSideEncryption:KmsKeyId) or S3Managed."));
    }

    [Test]
    public void AddS3S2Sharing_OldServerSideEncryptionKeys_RefusedNamingTheNewKeys()
    {
        using var work = new TempDirectory();
        using var provider = Build(new()
        {
            ["S3S2:OpenPgp:RecipientKeyFiles:0"] = ReceiverKeyFile(work),
            ["S3S2:RequiredServerSideEncryption"] = "Kms",
            ["S3S2:AllowedSseKmsKeyIds:0"] = SseKey,
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(error!.Failures, Has.Some.EqualTo("S3S2 client 'default': S3S2:RequiredServerSideEncryption 'Kms' is no longer read. Set S3S2:ServerSideEncryption:Required = true with S3S2:ServerSideEncryption:Method = Kms instead."));
        Assert.That(error.Failures, Has.Some.EqualTo("S3S2 client 'default': S3S2:AllowedSseKmsKeyIds is no longer read. List the keys under S3S2:ServerSideEncryption:AllowedKmsKeyIds instead."));
    }

    [Test]
    public void AddS3S2Sharing_PrefixKeyMissing_RefusedNamingPrefixAndAllowBucketRoot()
    {
        using var work = new TempDirectory();
        using var provider = Build(new() { ["S3S2:OpenPgp:RecipientKeyFiles:0"] = ReceiverKeyFile(work) }, prefix: null);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Message, Does.Contain("S3S2:Prefix is empty, so shares would be written at the top of bucket 'inbox'").And.Contain("S3S2:AllowBucketRoot = true"));
    }

    [Test]
    public void AddS3S2Sharing_EmptyPrefixWithAllowBucketRoot_ClientBuilds()
    {
        using var work = new TempDirectory();
        using var provider = Build(new() { ["S3S2:OpenPgp:RecipientKeyFiles:0"] = ReceiverKeyFile(work), ["S3S2:AllowBucketRoot"] = "true" }, prefix: null);

        Assert.That(provider.GetRequiredService<IShareClient>(), Is.Not.Null);
    }

    [Test]
    public void AddS3S2Sharing_BadValuesFromConfiguration_MessagesNameTheKeys()
    {
        using var work = new TempDirectory();
        using var provider = Build(new()
        {
            ["S3S2:OpenPgp:RecipientKeyFiles:0"] = ReceiverKeyFile(work),
            ["S3S2:OpenPgp:PinnedFingerprints:0"] = "ABCD",
            ["S3S2:MaxConcurrentFiles"] = "0",
        });

        var client = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<ShareClientOptions>>().Get(ShareClientOptions.DefaultName));
        var openPgp = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<OpenPgpEncryptionOptions>>().Get(ShareClientOptions.DefaultName));

        Assert.That(client!.Failures, Has.Some.EqualTo("S3S2 client 'default': S3S2:MaxConcurrentFiles 0 must be between 1 and 64."));
        Assert.That(openPgp!.Failures, Has.Some.StartsWith("S3S2 client 'default': S3S2:OpenPgp:PinnedFingerprints:0 'ABCD' is not 40 hex digits."));
    }

    [Test]
    public void ValidateOnStart_PinnedFingerprintNotTheKeyFiles_RefusedAtStartNamingBoth()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = "inbox";
                o.Prefix = "partners/acme";
            })
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored));
                o.PinnedFingerprints.Add(TestKeys.Attacker.Fingerprint);
            })
            .AddS3Store();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(error!.Message, Does.Contain($"the recipient key fingerprints [{TestKeys.Receiver.Fingerprint}]").And.Contain($"do not match the pinned fingerprints [{TestKeys.Attacker.Fingerprint}]"));
    }

    [Test]
    public void CreateClient_UnregisteredName_SaysSoAndListsTheRegisteredNames()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing("acme", o => o.Prefix = "partners/acme").AddLocalFolderStore(Path.GetTempPath());
        services.AddS3S2Sharing("globex", o => o.Prefix = "partners/globex").AddLocalFolderStore(Path.GetTempPath());
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IShareClientFactory>().CreateClient("acmee"));

        Assert.That(error!.Message, Does.StartWith("S3S2: no client named 'acmee'; registered: acme, globex."));
    }

    private static string ReceiverKeyFile(TempDirectory work) =>
        work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));

    private static ServiceProvider Build(Dictionary<string, string?> values, string? prefix = "partners/acme")
    {
        values["S3S2:Bucket"] = "inbox";
        values["S3S2:S3:Region"] = "eu-west-1";
        if (prefix is not null)
        {
            values["S3S2:Prefix"] = prefix;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddS3S2Sharing(configuration.GetSection("S3S2"));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
