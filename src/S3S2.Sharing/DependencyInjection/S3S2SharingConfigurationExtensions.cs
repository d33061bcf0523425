using Microsoft.Extensions.Configuration;
using S3S2.Sharing;
using S3S2.Sharing.DependencyInjection;
using S3S2.Sharing.Diagnostics;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a share client from configuration (for example the "S3S2" section of appsettings.json; environment
/// variables such as <c>S3S2__Bucket</c> override it the usual .NET way). Keys:
/// <c>Profile</c> (a profile file: bucket, prefix, pinned keys), <c>Bucket</c>, <c>Prefix</c>, <c>SenderName</c>,
/// <c>MaxConcurrentFiles</c>, <c>OpenPgp:RecipientKeyFiles:N</c>, <c>OpenPgp:PinnedFingerprints:N</c>,
/// <c>OpenPgp:Compression</c> (None|Zlib), <c>OpenPgp:CompressionLevel</c> (1–9), <c>Signing:KeyFile</c>, <c>Signing:PassphraseEnvironmentVariable</c>,
/// <c>Signing:Fingerprint</c> (the partner's signing key, see <c>AddShareSigning</c>), <c>AllowBucketRoot</c>, <c>S3:Region</c>, <c>S3:ServiceUrl</c>, <c>S3:RoleArn</c>, <c>S3:RoleExternalId</c>,
/// <c>S3:RoleSessionName</c> (a role to assume for the uploads), <c>S3:MultipartThreshold</c>,
/// <c>S3:PartSize</c>, <c>S3:MaxConcurrentParts</c>, <c>LocalFolder</c> (a folder store instead of S3),
/// <c>ServerSideEncryption:Method</c> (None|S3Managed|Kms), <c>ServerSideEncryption:KmsKeyId</c>,
/// <c>ServerSideEncryption:Required</c>, <c>ServerSideEncryption:AllowedKmsKeyIds:N</c>.
/// Values set in configuration override the profile's bucket and prefix; a profile's pinned fingerprints stay.
/// Validation errors name the full configuration key (for example <c>S3S2:OpenPgp:RecipientKeyFiles:0</c>), and an
/// unknown enum value is an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> listing the allowed values.
/// </summary>
public static class S3S2SharingConfigurationExtensions
{
    /// <summary>Registers the default share client from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section, for example <c>configuration.GetSection("S3S2")</c>.</param>
    /// <returns>A builder to add more (for example an encryptor not described in configuration).</returns>
    public static IS3S2SharingBuilder AddS3S2Sharing(this IServiceCollection services, IConfiguration configuration) =>
        services.AddS3S2Sharing(ShareClientOptions.DefaultName, configuration);

    /// <summary>Registers a named share client from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client name.</param>
    /// <param name="configuration">The section.</param>
    /// <returns>A builder to add more.</returns>
    public static IS3S2SharingBuilder AddS3S2Sharing(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddS3S2Sharing(name);
        var path = (configuration as IConfigurationSection)?.Path ?? string.Empty;
        string FullKey(string key) => path.Length == 0 ? key : $"{path}:{key}";

        // Unknown enum values become validation errors naming the key and the allowed values; the binder never sees them.
        var client = $"S3S2 client '{name}'";
        var errors = new List<string>();
        var invalid = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        ConfigurationEnums.Check(
            configuration,
            client,
            FullKey,
            [("ServerSideEncryption:Method", typeof(ServerSideEncryptionMethod)), ("OpenPgp:Compression", typeof(OpenPgpCompression))],
            errors,
            invalid);
        var compressionLevel = CompressionLevel(configuration, client, FullKey, errors);
        if (configuration["Signing:PassphraseEnvironmentVariable"] is { Length: > 0 } signingVariable && !EnvironmentVariableNames.IsName(signingVariable))
        {
            // Refused at start, as the receive's setting is: most likely the passphrase itself, which no message repeats.
            errors.Add($"{client}: {FullKey("Signing:PassphraseEnvironmentVariable")} {EnvironmentVariableNames.NotAName}.");
        }

        if (configuration["OpenPgp:CompressionLevel"] is { Length: > 0 } setLevel && string.Equals(configuration["OpenPgp:Compression"]?.Trim(), nameof(OpenPgpCompression.None), StringComparison.OrdinalIgnoreCase))
        {
            // A level with compression off is a contradiction, not a preference: say which key to drop rather than guess.
            errors.Add($"{client}: {FullKey("OpenPgp:CompressionLevel")} '{setLevel}' is set but {FullKey("OpenPgp:Compression")} is None, so nothing is compressed. Remove {FullKey("OpenPgp:CompressionLevel")}, or set {FullKey("OpenPgp:Compression")} = Zlib.");
        }

        // Keys of the settings ServerSideEncryption replaced: ignoring them would silently drop a requirement.
        if (configuration["RequiredServerSideEncryption"] is { Length: > 0 } oldRequired)
        {
            errors.Add($"{client}: {FullKey("RequiredServerSideEncryption")} '{oldRequired}' is no longer read. Set {FullKey("ServerSideEncryption:Required")} = true with {FullKey("ServerSideEncryption:Method")} = {oldRequired} instead.");
        }

        if (configuration.GetSection("AllowedSseKmsKeyIds").GetChildren().Any())
        {
            errors.Add($"{client}: {FullKey("AllowedSseKmsKeyIds")} is no longer read. List the keys under {FullKey("ServerSideEncryption:AllowedKmsKeyIds")} instead.");
        }
        builder.Register(r =>
        {
            r.ConfigurationPath = path;
            r.ConfigurationErrors.AddRange(errors);
        });
        var bindable = ConfigurationWithout.Create(configuration, invalid);

        var localFolder = configuration["LocalFolder"];
        var s3 = configuration.GetSection("S3");
        if (configuration["Profile"] is { Length: > 0 } profile)
        {
            builder.UseProfile(ShareProfileSerializer.Read(profile), includeUploader: localFolder is null);
        }
        else if (localFolder is null && s3.Exists())
        {
            builder.AddS3Store();
        }

        services.Configure<ShareClientOptions>(name, bindable);
        if (s3.Exists())
        {
            services.Configure<S3StoreOptions>(name, s3);
        }

        var openPgp = configuration.GetSection("OpenPgp");
        if (openPgp.Exists())
        {
            // Each key file's source names its configuration key, so every error about the file names the key to fix.
            var recipientKeys = KeyFiles(openPgp.GetSection("RecipientKeyFiles"));
            var compression = invalid.Contains("OpenPgp:Compression") ? null : openPgp["Compression"];
            builder.AddOpenPgpEncryption(o =>
            {
                foreach (var key in recipientKeys)
                {
                    o.RecipientKeys.Add(key);
                }

                foreach (var pin in Values(openPgp.GetSection("PinnedFingerprints")))
                {
                    o.PinnedFingerprints.Add(pin);
                }

                if (compression is { Length: > 0 })
                {
                    o.Compression = Enum.Parse<OpenPgpCompression>(compression.Trim(), ignoreCase: true);
                }

                if (compressionLevel is { } level)
                {
                    o.CompressionLevel = level;
                }
            });
        }

        var signing = configuration.GetSection("Signing");
        if (signing.Exists())
        {
            var signingKey = KeyFiles(signing.GetSection("KeyFile")).FirstOrDefault();
            var passphraseVariable = signing["PassphraseEnvironmentVariable"];
            builder.AddShareSigning(o =>
            {
                o.SigningKey = signingKey;
                o.PinnedFingerprint = signing["Fingerprint"] is { Length: > 0 } pinned ? pinned : o.PinnedFingerprint;
                o.Passphrase = passphraseVariable is not { Length: > 0 } ? null : () => Environment.GetEnvironmentVariable(passphraseVariable) is { Length: > 0 } value
                    ? value
                    : throw new S3S2.Sharing.Encryption.EncryptionKeyException($"{client}: {FullKey("Signing:PassphraseEnvironmentVariable")} names '{passphraseVariable}', but that environment variable is not set or empty. Export it first.");
            });
        }

        if (localFolder is { Length: > 0 })
        {
            builder.AddLocalFolderStore(localFolder);
        }

        return builder;
    }

    /// <summary>
    /// The zlib level under <c>OpenPgp:CompressionLevel</c>, or <see langword="null"/> when absent or not a whole number
    /// (then an error naming the key). The range is checked by the options' validator, which names the key as well.
    /// </summary>
    private static int? CompressionLevel(IConfiguration configuration, string client, Func<string, string> fullKey, List<string> errors)
    {
        const string Key = "OpenPgp:CompressionLevel";
        if (configuration[Key] is not { Length: > 0 } value)
        {
            return null;
        }

        if (int.TryParse(value.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var level))
        {
            return level;
        }

        errors.Add($"{client}: {fullKey(Key)} '{value}' is not a whole number. Use 1 (fastest) to 9 (smallest); {OpenPgpEncryptionOptions.DefaultCompressionLevel} is the default.");
        return null;
    }

    /// <summary>The key files under a section (a list, or one value), each described with its configuration key.</summary>
    private static List<OpenPgpKeySource> KeyFiles(IConfigurationSection section) =>
        (section.Value is { Length: > 0 } single ? [(single, section.Path)] : section.GetChildren().Where(c => c.Value is { Length: > 0 }).Select(c => (c.Value!, c.Path)))
        .Select(file => OpenPgpKeySource.FromStream(() => File.OpenRead(file.Item1), $"key file '{file.Item1}' ({file.Item2})"))
        .ToList();

    private static IEnumerable<string> Values(IConfigurationSection section) =>
        section.GetChildren().Select(child => child.Value).OfType<string>().Where(value => value.Length > 0);
}
