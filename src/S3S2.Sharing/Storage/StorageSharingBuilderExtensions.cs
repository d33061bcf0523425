using Amazon.S3;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using S3S2.Sharing;
using S3S2.Sharing.DependencyInjection;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Upload;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Says where a client's shares live. One store serves both sides: the sharing side writes to it (through an uploader,
/// the strategy behind the store) and the receiving side (<c>AddReceiving(...)</c>) lists and reads from it.
/// </summary>
public static class StorageSharingBuilderExtensions
{
    /// <summary>
    /// Keeps shares in the client's S3 bucket (<see cref="ShareClientOptions.Bucket"/>): uploads by single PUT or, above
    /// <see cref="S3StoreOptions.MultipartThreshold"/>, by multipart upload; receiving lists and reads the same bucket.
    /// The options' endpoint, region, credentials or role, when any is set, make a client of the library's own; otherwise
    /// the host's <see cref="IAmazonS3"/> is used when it registered one (at any point: it is looked up when the client is
    /// first built); otherwise a client of the library's own from the standard AWS chain. The library never registers an
    /// <see cref="IAmazonS3"/> itself; its own clients are disposed with the provider.
    /// </summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="configure">Sets region, endpoint, role, part sizes; may be <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddS3Store(this IS3S2SharingBuilder builder, Action<S3StoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<S3StoreOptions>(builder.Name).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<S3StoreOptions>, S3StoreOptionsValidator>());
        return builder.Register(r => r.Stores.Add(new StoreRegistration("S3", true, CreateS3Uploader, CreateS3Reader)));
    }

    /// <summary>
    /// Keeps shares as files under a local folder, same keys as in S3 (the embedded default for demos and dry runs);
    /// receiving reads the same folder.
    /// </summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="folder">The folder; created when missing.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddLocalFolderStore(this IS3S2SharingBuilder builder, string folder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        return builder.Register(r => r.Stores.Add(new StoreRegistration($"local folder '{folder}'", false, (_, _) => new LocalFolderStore(folder), (_, _) => new LocalFolderStore(folder))));
    }

    /// <summary>
    /// Writes shares with an uploader of your own (another object store, a queue): a write-only store, which the receiving
    /// side cannot read. It receives only requests the share policy has allowed, exactly like the built-in uploaders: the
    /// policy cannot be bypassed by an uploader.
    /// </summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="create">Creates the uploader for the client.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddUploader(this IS3S2SharingBuilder builder, Func<IServiceProvider, IUploader> create)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(create);
        return builder.Register(r => r.Stores.Add(new StoreRegistration("custom uploader", false, (services, _) => create(services), null)));
    }

    private static S3Uploader CreateS3Uploader(IServiceProvider services, string name)
    {
        var (s3, owns, options) = S3ClientFactory.For(services, name);
        return new S3Uploader(s3, owns, options, (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<IUploader>());
    }

    private static S3ShareStore CreateS3Reader(IServiceProvider services, string name)
    {
        var (s3, owns, _) = S3ClientFactory.For(services, name);
        return new S3ShareStore(s3, owns, services.GetRequiredService<IOptionsMonitor<ShareClientOptions>>().Get(name).Bucket!);
    }
}
