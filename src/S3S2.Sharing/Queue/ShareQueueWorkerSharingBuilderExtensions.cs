using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Queue;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the share queue worker (S3 event notifications → SQS → this host) to a receiving S3S2 client.</summary>
public static class ShareQueueWorkerSharingBuilderExtensions
{
    /// <summary>
    /// Runs a hosted worker that takes the bucket's event notifications for new manifests from an SQS queue and receives
    /// each share with this client's receive pipeline (call <c>AddReceiving(...)</c> and <c>AddS3Store(...)</c> on the
    /// same builder), writing it to <see cref="ShareQueueWorkerOptions.OutputDirectory"/> and then calling every
    /// registered <see cref="IReceivedShareHandler"/>. Any number of workers, in one host or many, may share a queue.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configure">Sets the queue URL, output folder and limits.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddShareQueueWorker(this IS3S2SharingBuilder builder, Action<ShareQueueWorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<ShareQueueWorkerOptions>(builder.Name).Configure(configure);
        return Register(builder);
    }

    /// <summary>
    /// Runs the hosted share queue worker configured from a configuration section (for example <c>S3S2:Worker</c> of
    /// appsettings.json: <c>QueueUrl</c>, <c>OutputDirectory</c>, <c>MaxConcurrentShares</c>, <c>VisibilityTimeout</c> as
    /// <c>00:02:00</c>, ...). See <see cref="AddShareQueueWorker(IS3S2SharingBuilder, Action{ShareQueueWorkerOptions})"/>.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configuration">The section holding <see cref="ShareQueueWorkerOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddShareQueueWorker(this IS3S2SharingBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<ShareQueueWorkerOptions>(builder.Name).Bind(configuration);
        return Register(builder);
    }

    private static IS3S2SharingBuilder Register(IS3S2SharingBuilder builder)
    {
        builder.Services.AddOptions<ShareQueueWorkerOptions>(builder.Name).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShareQueueWorkerOptions>, ShareQueueWorkerOptionsValidator>());
        var name = builder.Name;
        if (!builder.Services.Any(d => d.ServiceType == typeof(ShareQueueWorkerRegistration) && d.ImplementationInstance is ShareQueueWorkerRegistration r && r.Name == name))
        {
            builder.Services.AddSingleton(new ShareQueueWorkerRegistration(name));
            builder.Services.AddSingleton<IHostedService>(services => new ShareQueueWorker(name, services));
        }

        return builder;
    }
}
