using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using S3S2.Sharing.DependencyInjection;
using Amazon.KeyManagementService;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Receiving;

/// <summary>Builds each named receive client once, reading from the store its builder was given.</summary>
internal sealed class ReceiveClientFactory(
    IServiceProvider services,
    IOptionsMonitor<ShareClientOptions> clientOptions,
    IOptionsMonitor<ShareClientRegistration> registrations,
    IOptionsMonitor<ReceiveClientOptions> receiveOptions,
    IOptions<RegisteredClientNames> registeredNames) : IReceiveClientFactory, IDisposable
{
    private readonly NamedClients<(ReceiveClient Client, IShareStore? Store)> _clients = new();
    // Made on first use, and touched only in methods of their own: a receive without KMS keys (decrypt of an OpenPGP
    // file) then never loads the AWS SDK's assemblies, a noticeable part of the process's start-up.
    private ConcurrentDictionary<(string Client, string Endpoint), IAmazonKeyManagementService>? _kmsClients;
    private readonly ConcurrentDictionary<string, KmsEnvelopeDecryptor> _kmsDecryptors = new(StringComparer.Ordinal);

    public IReceiveClient CreateClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        registeredNames.Value.ThrowIfUnknown(name, "client");
        return _clients.GetOrBuild(name, Build).Client;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Built)
        {
            (client.Store as IDisposable)?.Dispose();
        }

        // KMS clients are made only for KMS decryptors; the field itself is not read here, as that loads the AWS SDK.
        if (!_kmsDecryptors.IsEmpty)
        {
            DisposeKms();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DisposeKms()
    {
        foreach (var decryptor in _kmsDecryptors.Values)
        {
            decryptor.Dispose();
        }

        foreach (var kms in _kmsClients?.Values ?? [])
        {
            kms.Dispose();
        }
    }

    private (ReceiveClient, IShareStore?) Build(string name)
    {
        var registration = registrations.Get(name);
        if (!registration.Receives)
        {
            throw new InvalidOperationException($"S3S2 client '{name}' is not configured for receiving. Call AddReceiving(...) on its builder.");
        }

        var options = clientOptions.Get(name);
        var receive = receiveOptions.Get(name);
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var store = registration.Stores.Count == 0 ? null : registration.Stores[0].CreateReader?.Invoke(services, name);
        var passphrase = receive.Passphrase ?? (receive.PassphraseEnvironmentVariable is { } variable
            ? () => Environment.GetEnvironmentVariable(variable) ?? throw new InvalidOperationException($"S3S2 receive client '{name}': the environment variable '{variable}' (PassphraseEnvironmentVariable) is not set. Set it to the secret key's passphrase.")
            : null);
        var keys = new OpenPgpSecretKeys([.. receive.SecretKeys, .. receive.SecretKeyFiles.Select(OpenPgpKeySource.FromFile)], passphrase);
        IDecryptor[] decryptors = receive.AllowedKmsKeyIds.Count == 0 && receive.AllowedKmsAccountIds.Count == 0
            ? [new OpenPgpDecryptor(keys)]
            : [new OpenPgpDecryptor(keys), _kmsDecryptors.GetOrAdd(name, _ => CreateKmsDecryptor(name, receive))];
        var decryptorSet = new DecryptorSet(name, decryptors);
        var client = new ReceiveClient(name, receive, ObjectKeys.NormalizePrefix(options.Prefix), store, decryptorSet, loggerFactory.CreateLogger<ReceiveClient>());
        return (client, store);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private KmsEnvelopeDecryptor CreateKmsDecryptor(string name, ReceiveClientOptions receive) => new(
        keyArn => KmsFor(name, receive, keyArn),
        new KmsKeyFilter(receive.AllowedKmsKeyIds, receive.AllowedKmsAccountIds, receive.KmsPartition),
        services.GetService<TimeProvider>());

    /// <summary>
    /// The configured endpoint, region or credentials make a client of the library's own; else the host's
    /// <see cref="IAmazonKeyManagementService"/> for keys in its region; else one own client per region the key ARN names.
    /// Only the library's own clients are disposed with the factory.
    /// </summary>
    private IAmazonKeyManagementService KmsFor(string name, ReceiveClientOptions options, string keyArn)
    {
        var region = options.KmsRegion ?? KmsKeyArn.RegionOf(keyArn);
        var configured = options.KmsServiceUrl is not null || options.KmsRegion is not null || options.KmsCredentials is not null;
        if (!configured && services.GetService<IAmazonKeyManagementService>() is { } host && KmsClientFactory.Reaches(host, region))
        {
            return host;
        }

        return LazyInitializer.EnsureInitialized(ref _kmsClients).GetOrAdd((name, options.KmsServiceUrl ?? region ?? string.Empty), _ => KmsClientFactory.CreateOrTakePreloaded(options.KmsServiceUrl, region, options.KmsCredentials));
    }

}
