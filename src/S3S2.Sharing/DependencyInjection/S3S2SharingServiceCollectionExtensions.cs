using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using S3S2.Sharing;
using S3S2.Sharing.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers S3S2 share clients.</summary>
public static class S3S2SharingServiceCollectionExtensions
{
    /// <summary>Registers the default share client (resolved as <see cref="IShareClient"/>).</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add the encryption and the uploader.</returns>
    public static IS3S2SharingBuilder AddS3S2Sharing(this IServiceCollection services) =>
        services.AddS3S2Sharing(ShareClientOptions.DefaultName, configure: null);

    /// <summary>Registers the default share client (resolved as <see cref="IShareClient"/>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets bucket, prefix and the like.</param>
    /// <returns>A builder to add the encryption and the uploader.</returns>
    public static IS3S2SharingBuilder AddS3S2Sharing(this IServiceCollection services, Action<ShareClientOptions> configure) =>
        services.AddS3S2Sharing(ShareClientOptions.DefaultName, configure);

    /// <summary>Registers a named share client (resolved through <see cref="IShareClientFactory"/>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client name.</param>
    /// <returns>A builder to add the encryption and the uploader.</returns>
    public static IS3S2SharingBuilder AddS3S2Sharing(this IServiceCollection services, string name) =>
        services.AddS3S2Sharing(name, configure: null);

    /// <summary>Registers a named share client (resolved through <see cref="IShareClientFactory"/>). Calling it again for the same name adds to that client's configuration.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client name.</param>
    /// <param name="configure">Sets bucket, prefix and the like; may be <see langword="null"/>.</param>
    /// <returns>A builder to add the encryption and the uploader.</returns>
    public static IS3S2SharingBuilder AddS3S2Sharing(this IServiceCollection services, string name, Action<ShareClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        services.AddOptions();
        services.Configure<RegisteredClientNames>(registered =>
        {
            if (!registered.Names.Contains(name, StringComparer.Ordinal))
            {
                registered.Names.Add(name);
            }
        });
        var options = services.AddOptions<ShareClientOptions>(name).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShareClientOptions>, ShareClientOptionsValidator>());
        services.TryAddSingleton<IShareClientFactory, ShareClientFactory>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IShareClientFactory>().CreateClient(ShareClientOptions.DefaultName));
        return new S3S2SharingBuilder(name, services);
    }

    /// <summary>Records a strategy in the client's registration once per builder call.</summary>
    internal static IS3S2SharingBuilder Register(this IS3S2SharingBuilder builder, Action<ShareClientRegistration> register)
    {
        builder.Services.Configure(builder.Name, register);
        return builder;
    }
}
