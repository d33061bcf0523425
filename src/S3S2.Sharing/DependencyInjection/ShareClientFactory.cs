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
    IOptionsMonitor<OpenPgpEncryptionOptions> openPgpOptions) : IShareClientFactory, IDisposable
{
    private readonly NamedClients<(ShareClient Client, IUploader Uploader)> _clients = new();
    private readonly ConcurrentBag<IDisposable> _ownedEncryptors = [];

    public IShareClient CreateClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
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
        if (registration.Encryptions.Count == 0 || registration.Uploaders.Count == 0)
        {
            throw new InvalidOperationException($"S3S2 client '{name}' is configured for receiving only and cannot share. Add AddOpenPgpEncryption(...) and AddS3Uploader(...) or AddLocalFolderStore(path) to share with it.");
        }

        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;

        var (encryptor, rule) = registration.Encryptions[0] switch
        {
            KmsEnvelopeSharingBuilderExtensions.KmsEnvelopeName => BuildKmsEnvelope(name),
            _ => BuildOpenPgp(name, time),
        };
        var createUploader = registration.Uploaders[0].Create;
        var bucket = options.Bucket;
        var policy = new SharePolicy(name, bucket, ObjectKeys.NormalizePrefix(options.Prefix), rule, options.ServerSideEncryption, loggerFactory.CreateLogger<SharePolicy>(),
            options.RequiredServerSideEncryption, options.AllowedSseKmsKeyIds.ToArray());
        var uploader = createUploader(services, name);
        return (new ShareClient(name, options, encryptor, policy, uploader, time, loggerFactory.CreateLogger<ShareClient>()), uploader);
    }

    /// <summary>The rule pins the configured key ARNs, read from the options (not from what the encryptor reports).</summary>
    private (IEncryptor, IBodyRule) BuildKmsEnvelope(string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<KmsEnvelopeEncryptionOptions>>().Get(name);
        var encryptor = KmsEnvelopeSharingBuilderExtensions.CreateEncryptor(services, name);
        _ownedEncryptors.Add(encryptor);
        return (encryptor, new KmsEnvelopeRule(options.KeyIds));
    }

    private (IEncryptor, IBodyRule) BuildOpenPgp(string name, TimeProvider time)
    {
        var options = openPgpOptions.Get(name);
        var recipients = OpenPgpRecipientKeys.Load(options.RecipientKeys, time.GetUtcNow().UtcDateTime);
        return (new OpenPgpEncryptor(recipients, options.Compression), new OpenPgpMessageRule(recipients, options.PinnedFingerprints, time));
    }
}
