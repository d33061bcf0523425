using Amazon;
using Amazon.KeyManagementService;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>Builds an <see cref="IAmazonKeyManagementService"/> from the options when the host did not register one.</summary>
internal static class KmsClientFactory
{
    /// <summary>Whether the options ask for a client of their own rather than the host's.</summary>
    public static bool NeedsOwnClient(KmsEnvelopeEncryptionOptions options) =>
        options.ServiceUrl is not null || options.Region is not null || options.Credentials is not null;

    /// <summary>
    /// Whether the host's client serves keys of <paramref name="region"/>: it points at an endpoint of its own (a local or
    /// private KMS, which serves what it serves), or at that region.
    /// </summary>
    public static bool Reaches(IAmazonKeyManagementService host, string? region) =>
        host.Config.ServiceURL is not null
        || region is null
        || string.Equals(host.Config.RegionEndpoint?.SystemName, region, StringComparison.Ordinal);

    public static AmazonKeyManagementServiceClient Create(string? serviceUrl, string? region, Amazon.Runtime.AWSCredentials? credentials)
    {
        var config = new AmazonKeyManagementServiceConfig();
        if (serviceUrl is not null)
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return credentials is null ? new AmazonKeyManagementServiceClient(config) : new AmazonKeyManagementServiceClient(credentials, config);
    }
}
