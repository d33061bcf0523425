using Microsoft.Extensions.Configuration;
using S3S2.Sharing;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Upload;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a share client from configuration (for example the "S3S2" section of appsettings.json; environment
/// variables such as <c>S3S2__Bucket</c> override it the usual .NET way). Keys:
/// <c>Profile</c> (a profile file: bucket, prefix, pinned keys), <c>Bucket</c>, <c>Prefix</c>, <c>SenderName</c>,
/// <c>MaxConcurrentFiles</c>, <c>OpenPgp:RecipientKeyFiles:N</c>, <c>OpenPgp:PinnedFingerprints:N</c>,
/// <c>OpenPgp:Compression</c> (None|Zlib), <c>S3:Region</c>, <c>S3:ServiceUrl</c>, <c>S3:MultipartThreshold</c>,
/// <c>S3:PartSize</c>, <c>S3:MaxConcurrentParts</c>, <c>LocalFolder</c> (a folder store instead of S3).
/// Values set in configuration override the profile's bucket and prefix; a profile's pinned fingerprints stay.
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
        var localFolder = configuration["LocalFolder"];
        var s3 = configuration.GetSection("S3");
        if (configuration["Profile"] is { Length: > 0 } profile)
        {
            builder.UseProfile(ShareProfileSerializer.Read(profile), includeUploader: localFolder is null);
        }
        else if (localFolder is null && s3.Exists())
        {
            builder.AddS3Uploader();
        }

        services.Configure<ShareClientOptions>(name, configuration);
        if (s3.Exists())
        {
            services.Configure<S3UploaderOptions>(name, s3);
        }

        var openPgp = configuration.GetSection("OpenPgp");
        if (openPgp.Exists())
        {
            builder.AddOpenPgpEncryption(o =>
            {
                foreach (var file in Values(openPgp.GetSection("RecipientKeyFiles")))
                {
                    o.RecipientKeys.Add(OpenPgpKeySource.FromFile(file));
                }

                foreach (var pin in Values(openPgp.GetSection("PinnedFingerprints")))
                {
                    o.PinnedFingerprints.Add(pin);
                }

                if (openPgp["Compression"] is { Length: > 0 } compression)
                {
                    o.Compression = Enum.TryParse<OpenPgpCompression>(compression, ignoreCase: true, out var parsed)
                        ? parsed
                        : throw new ArgumentException($"S3S2 client '{name}': OpenPgp:Compression '{compression}' is unknown. Use None or Zlib.", nameof(configuration));
                }
            });
        }

        if (localFolder is { Length: > 0 })
        {
            builder.AddLocalFolderStore(localFolder);
        }

        return builder;
    }

    private static IEnumerable<string> Values(IConfigurationSection section) =>
        section.GetChildren().Select(child => child.Value).OfType<string>().Where(value => value.Length > 0);
}
