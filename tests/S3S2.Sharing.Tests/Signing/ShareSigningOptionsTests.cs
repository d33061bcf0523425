using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Signing;

/// <summary>Signing and pinned-signer settings are checked when the client starts, with messages naming the key and the fix.</summary>
[TestFixture]
public sealed class ShareSigningOptionsTests
{
    [Test]
    public void ValidateOnStart_SigningKeyNotThePinnedOne_RefusedNamingBothFingerprints()
    {
        using var provider = Sharer(b => b.AddShareSigning(o =>
        {
            o.SigningKey = OpenPgpKeySource.FromArmoredString(TestKeys.OtherPartnerSigner.SecretKeyArmored);
            o.PinnedFingerprint = TestKeys.PartnerSigner.Fingerprint;
        }));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(error!.Message, Does.Contain($"has fingerprint {TestKeys.OtherPartnerSigner.Fingerprint}, but {TestKeys.PartnerSigner.Fingerprint} is pinned"));
    }

    [Test]
    public void ValidateOnStart_SigningKeyIsAPublicKey_RefusedNamingTheFix()
    {
        using var provider = Sharer(b => b.AddShareSigning(o => o.SigningKey = OpenPgpKeySource.FromArmoredString(TestKeys.PartnerSigner.PublicKeyArmored)));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(error!.Message, Does.Contain("holds a public key, but signing needs the partner's secret key"));
    }

    [Test]
    public void CreateClient_ProfileRequiresSignerButNoSigningKey_RefusedNamingTheFix()
    {
        var profile = new ShareProfile
        {
            Receiver = "AwesomeAI",
            Bucket = "awesomeai-inbox",
            Prefix = "partners/acme",
            CreatedUtc = DateTimeOffset.UtcNow,
            SigningKeyFingerprint = TestKeys.PartnerSigner.Fingerprint,
        };
        profile.Encryption.OpenPgpKeys.Add(new ShareProfileKey { Fingerprint = TestKeys.Receiver.Fingerprint, PublicKey = TestKeys.Receiver.PublicKeyArmored });
        using var json = new MemoryStream();
        ShareProfileSerializer.Write(profile, json);
        json.Position = 0;
        var services = new ServiceCollection();
        services.AddS3S2Sharing().UseProfile(json);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IShareClient>());

        Assert.That(error!.Message, Does.Contain($"the share profile requires shares signed with key {TestKeys.PartnerSigner.Fingerprint}, but no signing key is configured").And.Contain("--sign-key"));
    }

    [Test]
    public void AddS3S2Sharing_SigningKeyFileFromConfigurationMissing_ErrorNamesTheKey()
    {
        using var provider = SigningFromConfiguration(passphraseVariable: null);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(error!.Message, Does.Contain("(S3S2:Signing:KeyFile)"));
    }

    [Test]
    public void AddS3S2Sharing_SigningPassphraseWhereItsVariableNameBelongs_RefusedAtStartWithoutRepeatingIt()
    {
        using var provider = SigningFromConfiguration(passphraseVariable: "Tr0ub4dor&3 correct horse");

        // With the missing key files, start validation reports several validators' errors together (an AggregateException).
        var error = Assert.Catch(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(error!.ToString(), Does.Contain("S3S2:Signing:PassphraseEnvironmentVariable is not an environment variable name").And.Not.Contain("Tr0ub4dor"));
    }

    [Test]
    public void ReceiveOptions_BoundFromConfiguration_PinsAndRequirementTakeEffect()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Receive:RequireSignedShares"] = "true",
            ["Receive:PinnedSigners:0"] = "partners/acme=" + TestKeys.PartnerSigner.Fingerprint,
            ["Receive:PinnedSigners:1"] = TestKeys.OtherPartnerSigner.Fingerprint,
        }).Build();
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o => o.Prefix = "partners/acme").AddReceiving(configuration.GetSection("Receive")).AddLocalFolderStore(Path.GetTempPath());
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var options = provider.GetRequiredService<IOptionsMonitor<ReceiveClientOptions>>().Get(ShareClientOptions.DefaultName);

        Assert.That(options.RequireSignedShares, Is.True);
        Assert.That(options.PinnedSigners, Is.EqualTo(new[] { "partners/acme=" + TestKeys.PartnerSigner.Fingerprint, TestKeys.OtherPartnerSigner.Fingerprint }));
    }

    [Test]
    public void ReceiveOptions_RequiredWithoutPinsAndMalformedPin_EveryProblemListed()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddReceiving(o => o.PinnedSigners.Add("partners/acme=ABCD")).AddLocalFolderStore(Path.GetTempPath());
        services.AddS3S2Sharing("second").AddReceiving(o => o.RequireSignedShares = true).AddLocalFolderStore(Path.GetTempPath());
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var monitor = provider.GetRequiredService<IOptionsMonitor<ReceiveClientOptions>>();

        var first = Assert.Throws<OptionsValidationException>(() => monitor.Get(ShareClientOptions.DefaultName));
        var second = Assert.Throws<OptionsValidationException>(() => monitor.Get("second"));

        Assert.That(first!.Failures, Has.Some.StartsWith("S3S2 receive client 'default': PinnedSigners:0 'partners/acme=ABCD' does not end in a fingerprint of 40 hex digits."));
        Assert.That(first.Failures, Has.Some.Contains("RequireSignedShares is false"));
        Assert.That(second!.Failures, Has.Some.Contains("RequireSignedShares is set but PinnedSigners is empty"));
    }

    private static ServiceProvider Sharer(Action<IS3S2SharingBuilder> configure)
    {
        var services = new ServiceCollection();
        var builder = services.AddS3S2Sharing(o => o.Prefix = "partners/acme")
            .AddOpenPgpEncryption(o => o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)))
            .AddLocalFolderStore(Path.GetTempPath());
        configure(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>A sharing client bound from configuration with a signing section whose key files do not exist.</summary>
    private static ServiceProvider SigningFromConfiguration(string? passphraseVariable)
    {
        var settings = new Dictionary<string, string?>
        {
            ["S3S2:Bucket"] = "inbox",
            ["S3S2:Prefix"] = "partners/acme",
            ["S3S2:LocalFolder"] = Path.GetTempPath(),
            ["S3S2:OpenPgp:RecipientKeyFiles:0"] = Path.Combine(Path.GetTempPath(), "s3s2-no-such-receiver.asc"),
            ["S3S2:Signing:KeyFile"] = Path.Combine(Path.GetTempPath(), "s3s2-no-such-signing-key.asc"),
        };
        if (passphraseVariable is not null)
        {
            settings["S3S2:Signing:PassphraseEnvironmentVariable"] = passphraseVariable;
        }

        var services = new ServiceCollection();
        services.AddS3S2Sharing(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("S3S2"));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
