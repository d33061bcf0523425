using Amazon.S3;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using S3S2.Sharing;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Upload;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds an uploader to a share client.</summary>
public static class UploadSharingBuilderExtensions
{
    /// <summary>
    /// Uploads to S3. The options' endpoint, region, credentials or role, when any is set, make a client of the
    /// library's own; otherwise the host's <see cref="IAmazonS3"/> is used when it registered one (at any point: it is
    /// looked up when the client is first built); otherwise a client of the library's own from the standard AWS chain.
    /// The library never registers an <see cref="IAmazonS3"/> itself; its own clients are disposed with the provider.
    /// </summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="configure">Sets region, endpoint, part sizes; may be <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddS3Uploader(this IS3S2SharingBuilder builder, Action<S3UploaderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<S3UploaderOptions>(builder.Name).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<S3UploaderOptions>, S3UploaderOptionsValidator>());
        return builder.Register(r =>
        {
            r.Uploaders.Add(("S3", true, (services, name) => CreateS3Uploader(services, name)));
            r.Stores.Add(("S3", (services, name) => CreateS3Store(services, name)));
        });
    }

    /// <summary>Stores objects as files under a local folder (the embedded default for demos and dry runs).</summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="folder">The folder; created when missing.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddLocalFolderStore(this IS3S2SharingBuilder builder, string folder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        return builder.Register(r =>
        {
            r.Uploaders.Add(($"local folder '{folder}'", false, (_, _) => new LocalFolderStore(folder)));
            r.Stores.Add(($"local folder '{folder}'", (_, _) => new LocalFolderStore(folder)));
        });
    }

    private static S3ShareStore CreateS3Store(IServiceProvider services, string name)
    {
        var (s3, owns, _) = S3ClientFor(services, name);
        return new S3ShareStore(s3, owns, services.GetRequiredService<IOptionsMonitor<ShareClientOptions>>().Get(name).Bucket!);
    }

    /// <summary>
    /// Stores objects with an uploader of your own (another object store, a queue). It receives only requests the share
    /// policy has allowed, exactly like the built-in uploaders: the policy cannot be bypassed by an uploader.
    /// </summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="create">Creates the uploader for the client.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddUploader(this IS3S2SharingBuilder builder, Func<IServiceProvider, IUploader> create)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(create);
        return builder.Register(r => r.Uploaders.Add(("custom uploader", false, (services, _) => create(services))));
    }

    private static S3Uploader CreateS3Uploader(IServiceProvider services, string name)
    {
        var (s3, owns, options) = S3ClientFor(services, name);
        return new S3Uploader(s3, owns, options, (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<IUploader>());
    }

    /// <summary>The client's own S3 client when its options name an endpoint, region, credentials or role; else the host's, if any.</summary>
    private static (IAmazonS3 Client, bool Owned, S3UploaderOptions Options) S3ClientFor(IServiceProvider services, string name) =>
        S3ClientFactory.For(services, name);
}
