using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace S3S2.Sharing.Upload;

/// <summary>Builds an <see cref="IAmazonS3"/> from <see cref="S3UploaderOptions"/> when the host did not register one.</summary>
internal static class S3ClientFactory
{
    /// <summary>Whether the options ask for a client of their own rather than the host's.</summary>
    public static bool NeedsOwnClient(S3UploaderOptions options) =>
        options.ServiceUrl is not null || options.Region is not null || options.Credentials is not null;

    /// <summary>The named client's own S3 client when its options name an endpoint, region or credentials; else the host's.</summary>
    public static (IAmazonS3 Client, bool Owned, S3UploaderOptions Options) For(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<S3UploaderOptions>>().Get(name);
        return NeedsOwnClient(options)
            ? (Create(options), true, options)
            : (services.GetRequiredService<IAmazonS3>(), false, options);
    }

    public static IAmazonS3 Create(S3UploaderOptions options)
    {
        var config = new AmazonS3Config();
        if (options.ServiceUrl is not null)
        {
            config.ServiceURL = options.ServiceUrl;
            config.ForcePathStyle = true;

            // S3-compatible stores often store aws-chunked bodies verbatim; ask for checksums only where S3 requires them.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return options.Credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(options.Credentials, config);
    }
}
