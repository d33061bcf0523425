using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Sharing;
using S3S2.Sharing.Signing;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.DependencyInjection;

/// <summary>
/// Builds each named client once: validates its options, loads its keys, and wires the policy from the
/// configuration itself (never from the encryptor), so the policy checks what was configured.
/// </summary>
internal sealed class ShareClientFactory(
    IServiceProvider services,
    IOptionsMonitor<ShareClientOptions> clientOptions,
    IOptionsMonitor<ShareClientRegistration> registrations,
    IOptionsMonitor<OpenPgpEncryptionOptions> openPgpOptions,
    IOptions<RegisteredClientNames> registeredNames) : IShareClientFactory, IDisposable
{
    private readonly NamedClients<(ShareClient Client, IUploader Uploader)> _clients = new();
    private readonly ConcurrentBag<IDisposable> _ownedEncryptors = [];

    public IShareClient CreateClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        registeredNames.Value.ThrowIfUnknown(name, "client");
        return _clients.GetOrBuild(name, Build).Client;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Built)
        {
            (client.Uploader as IDisposable)?.Dispose();
        }

        foreach (var encryptor in _ownedEncryptors)
        {
            encryptor.Dispose();
        }
    }

    private (ShareClient, IUploader) Build(string name)
    {
        var options = clientOptions.Get(name);
        var registration = registrations.Get(name);
        if (registration.Encryptions.Count == 0 || registration.Stores.Count == 0)
        {
            throw new InvalidOperationException($"S3S2 client '{name}' is configured for receiving only and cannot share. Add AddOpenPgpEncryption(...) and AddS3Store(...) or AddLocalFolderStore(path) to share with it.");
        }

        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;

        var custom = registration.CustomEncryptors.Count > 0 ? registration.CustomEncryptors[0] : null;
        var (encryptor, rule) = registration.Encryptions[0] switch
        {
            KmsEnvelopeSharingBuilderExtensions.KmsEnvelopeName => BuildKmsEnvelope(name, custom),
            _ => BuildOpenPgp(name, time, custom),
        };
        var signer = registration.Signs ? ManifestSigningKey.Load(services.GetRequiredService<IOptionsMonitor<ShareSigningOptions>>().Get(name)) : null;
        if (signer is not null)
        {
            encryptor = new ManifestSigningEncryptor(encryptor, signer);
        }

        var createUploader = registration.Stores[0].CreateUploader;
        var bucket = options.Bucket;
        var policy = new SharePolicy(name, bucket, ObjectKeys.NormalizePrefix(options.Prefix), rule, options.ServerSideEncryption, loggerFactory.CreateLogger<SharePolicy>());
        var uploader = createUploader(services, name);
        return (new ShareClient(name, options, encryptor, policy, uploader, time, loggerFactory.CreateLogger<ShareClient>(), loggerFactory.CreateLogger<ShareSession>(), signer?.Identity), uploader);
    }

    /// <summary>The rule pins the configured key ARNs, read from the options (not from what the encryptor reports).</summary>
    private (IEncryptor, IBodyRule) BuildKmsEnvelope(string name, Func<IServiceProvider, IEncryptor>? custom)
    {
        var options = services.GetRequiredService<IOptionsMonitor<KmsEnvelopeEncryptionOptions>>().Get(name);
        var encryptor = custom is null
            ? KmsEnvelopeSharingBuilderExtensions.CreateEncryptor(services, name)
            : CreateCustom(name, custom, "kms-envelope", KmsEnvelopeEncryptor.ObjectKeySuffix, "AddKmsEnvelopeEncryption(...)");
        if (encryptor is IDisposable owned)
        {
            _ownedEncryptors.Add(owned);
        }

        return (encryptor, new KmsEnvelopeRule(options.KeyIds));
    }

    private (IEncryptor, IBodyRule) BuildOpenPgp(string name, TimeProvider time, Func<IServiceProvider, IEncryptor>? custom)
    {
        var options = openPgpOptions.Get(name);
        var recipients = OpenPgpRecipientKeys.Load(options.RecipientKeys, time.GetUtcNow().UtcDateTime);
        var encryptor = custom is null
            ? new OpenPgpEncryptor(recipients, options.Compression, options.CompressionLevel)
            : CreateCustom(name, custom, "openpgp", OpenPgpEncryptor.ObjectKeySuffix, "AddOpenPgpEncryption(...)");
        if (custom is not null && encryptor is IDisposable owned)
        {
            _ownedEncryptors.Add(owned);
        }

        return (encryptor, new OpenPgpMessageRule(recipients, options.PinnedFingerprints, time));
    }

    /// <summary>The host's encryptor stands in for the configured format's: it must say it writes that format.</summary>
    private IEncryptor CreateCustom(string name, Func<IServiceProvider, IEncryptor> custom, string mode, string suffix, string configuredBy)
    {
        var encryptor = custom(services) ?? throw new InvalidOperationException($"S3S2 client '{name}': the AddEncryptor(...) factory returned null. Return an IEncryptor.");
        var descriptor = encryptor.Descriptor;
        if (descriptor is null || descriptor.Mode != mode || descriptor.ObjectKeySuffix != suffix)
        {
            (encryptor as IDisposable)?.Dispose();
            throw new InvalidOperationException(
                $"S3S2 client '{name}': the encryptor from AddEncryptor(...) ({encryptor.GetType().Name}) describes mode '{descriptor?.Mode}' with suffix '{descriptor?.ObjectKeySuffix}', but the client is configured by {configuredBy} for mode '{mode}' with suffix '{suffix}'. "
                + "Make the encryptor's Descriptor name the configured format, or configure the format it writes.");
        }

        return encryptor;
    }
}
