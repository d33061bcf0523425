using Amazon;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;

namespace S3S2.Sharing.Queue;

/// <summary>The worker's SQS client: the host's <see cref="IAmazonSQS"/> unless the options name an endpoint, region or credentials.</summary>
internal static class SqsClientFactory
{
    public static (IAmazonSQS Client, bool Owned) For(IServiceProvider services, ShareQueueWorkerOptions options)
    {
        if (options.ServiceUrl is null && options.Region is null && options.Credentials is null && services.GetService<IAmazonSQS>() is { } host)
        {
            return (host, false);
        }

        var config = new AmazonSQSConfig();
        if (options.ServiceUrl is not null)
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return (options.Credentials is null ? new AmazonSQSClient(config) : new AmazonSQSClient(options.Credentials, config), true);
    }
}
