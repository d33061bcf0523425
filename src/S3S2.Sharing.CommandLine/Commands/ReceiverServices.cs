using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary>Builds a receive client from the command line: a local folder store or S3, and the receiver's secret keys.</summary>
internal static class ReceiverServices
{
    public static ServiceProvider Build(ReceiveSettings settings, bool needsStore, CommandRun run, Action<IS3S2SharingBuilder>? extend = null, LogLevel normalLevel = LogLevel.Critical, bool preloadKms = true, CancellationToken cancellationToken = default)
    {
        if (needsStore && (settings.From is null) == (settings.Bucket is null))
        {
            throw new UsageException("Give exactly one source: --from DIR (local folder store) or --bucket BUCKET (S3).");
        }

        // Read now, so a missing variable is reported before anything is downloaded; the value is never printed.
        string? passphrase = settings.PassphraseVariable is null ? null : Passphrase.FromEnvironment(settings.PassphraseVariable);
        // The secret keys are read and their self-signatures checked on the second core while the container is built
        // (and, on receive, the share is listed); the client's own load uses what was read and reports any problem.
        var secretKeySources = settings.SecretKeys.Select(OpenPgpKeySource.FromFile).ToList();
        foreach (var source in secretKeySources)
        {
            source.Preload(cancellationToken);
        }

        // Likewise the KMS client when the command may meet a KMS envelope message (preloadKms) and names a key (the
        // SDK's code, the credential chain, Decrypt's request and response code), without any KMS request: the first
        // KMS decryption then starts on a warm client.
        if (preloadKms && settings.KmsKeys is { Count: > 0 } kmsKeys)
        {
            var preload = new ReceiveClientOptions { KmsServiceUrl = settings.KmsEndpoint };
            preload.AllowedKmsKeyIds.Add(kmsKeys[0]);
            preload.PreloadKms(cancellationToken);
        }

        var services = new ServiceCollection();
        run.AddHostServices(services, normalLevel);
        var builder = services
            .AddS3S2Sharing(o =>
            {
                o.Bucket = settings.Bucket;
                o.Prefix = settings.Prefix ?? string.Empty;
            })
            .AddReceiving(o =>
            {
                foreach (var key in secretKeySources)
                {
                    o.SecretKeys.Add(key);
                }

                o.Passphrase = passphrase is null ? null : () => passphrase;
                o.KmsServiceUrl = settings.KmsEndpoint;
                o.DeleteAfterReceive = settings.DeleteAfterReceive;
                if (settings.Limits is { } limits)
                {
                    o.MaxFileBytes = limits.MaxFileBytes ?? o.MaxFileBytes;
                    o.MaxShareBytes = limits.MaxShareBytes ?? o.MaxShareBytes;
                    o.MaxFilesPerShare = limits.MaxFiles ?? o.MaxFilesPerShare;
                    o.MaxPathDepth = limits.MaxPathDepth ?? o.MaxPathDepth;
                    o.MaxExpansionRatio = limits.MaxExpansionRatio ?? o.MaxExpansionRatio;
                    o.ReadTimeout = limits.ReadTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : o.ReadTimeout;
                }

                foreach (var key in settings.KmsKeys ?? [])
                {
                    o.AllowedKmsKeyIds.Add(key);
                }

                foreach (var account in settings.KmsAccounts ?? [])
                {
                    o.AllowedKmsAccountIds.Add(account);
                }

                foreach (var signer in settings.RequiredSigners ?? [])
                {
                    o.PinnedSigners.Add(signer);
                    o.RequireSignedShares = true;
                }
            });
        if (settings.From is not null)
        {
            builder.AddLocalFolderStore(settings.From);
        }
        else if (settings.Bucket is not null)
        {
            builder.AddS3Store(o =>
            {
                o.Region = settings.Region;
                o.ServiceUrl = settings.Endpoint;
            });
        }

        extend?.Invoke(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static IReceiveClient Client(ServiceProvider provider) => provider.GetRequiredService<IReceiveClient>();
}
