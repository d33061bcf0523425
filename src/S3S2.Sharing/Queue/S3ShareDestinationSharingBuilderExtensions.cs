using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Queue;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the S3 destination for shares the queue worker received.</summary>
public static class S3ShareDestinationSharingBuilderExtensions
{
    /// <summary>
    /// Re-uploads every share the queue worker received and verified to another bucket and prefix
    /// (<c>&lt;prefix&gt;/&lt;shareId&gt;/&lt;relative path&gt;</c>) under SSE-KMS with the receiver's key, then writes
    /// <c>&lt;prefix&gt;/&lt;shareId&gt;.received</c>. It is an <see cref="IReceivedShareHandler"/> of this client only (keyed by
    /// its name): the client's queue worker calls it with the host-wide handlers, and no other client's worker does, so one
    /// partner's plaintext never goes to another client's destination.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configure">Sets the bucket, prefix and KMS key.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddS3ShareDestination(this IS3S2SharingBuilder builder, Action<S3ShareDestinationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var name = builder.Name;
        builder.Services.AddOptions<S3ShareDestinationOptions>(name).Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<S3ShareDestinationOptions>, S3ShareDestinationOptionsValidator>());
        builder.Services.AddKeyedSingleton<IReceivedShareHandler>(name, (services, _) => new S3ShareDestination(
            services.GetRequiredService<IOptionsMonitor<S3ShareDestinationOptions>>().Get(name),
            (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<S3ShareDestination>()));
        return builder;
    }
}
