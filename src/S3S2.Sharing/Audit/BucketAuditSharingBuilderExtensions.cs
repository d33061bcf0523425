using Amazon.S3;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Audit;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Upload;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the receiver's bucket audit to an S3S2 client.</summary>
public static class BucketAuditSharingBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IBucketAuditor"/> for this client's name. It reaches S3 the way the client's uploader does: the
    /// endpoint, region and credentials of <c>AddS3Store(...)</c> when given, else the host's <see cref="IAmazonS3"/>.
    /// It only reads the bucket's configuration. A client that only audits needs no encryption or uploader.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configure">Sets the bucket, partners, prefix root and expected KMS key.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddBucketAuditor(this IS3S2SharingBuilder builder, Action<BucketAuditOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<BucketAuditOptions>(builder.Name).Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BucketAuditOptions>, BucketAuditOptionsValidator>());
        var name = builder.Name;
        builder.Services.TryAddSingleton<IBucketAuditor>(services =>
        {
            var options = services.GetRequiredService<IOptionsMonitor<BucketAuditOptions>>().Get(name);
            var (s3, owned, _) = S3ClientFactory.For(services, name);
            return new BucketAuditor(s3, owned, options);
        });
        return builder;
    }
}
