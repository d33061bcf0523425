using Amazon.KeyManagementService;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Encryption.Kms;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds KMS envelope encryption (AWS Encryption SDK message format version 2) to a share client.</summary>
public static class KmsEnvelopeSharingBuilderExtensions
{
    /// <summary>
    /// Encrypts every file under a data key from KMS (one per share within the bounds set by
    /// <see cref="KmsEnvelopeEncryptionOptions.MaxMessagesPerDataKey"/> and its siblings), written as an AWS Encryption SDK message (version 2,
    /// AES-256-GCM, key commitment, framed) that the official SDKs and CLI can decrypt; object keys end in
    /// <c>.encrypted</c>. The host's <see cref="IAmazonKeyManagementService"/> is used when it registered one and the
    /// options name no endpoint, region or credentials.
    /// </summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="configure">Adds the KMS key ARNs; sets suite, frame length, extra encryption context.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddKmsEnvelopeEncryption(this IS3S2SharingBuilder builder, Action<KmsEnvelopeEncryptionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<KmsEnvelopeEncryptionOptions>(builder.Name).Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KmsEnvelopeEncryptionOptions>, KmsEnvelopeEncryptionOptionsValidator>());
        return builder.Register(r => r.Encryptions.Add(KmsEnvelopeName));
    }

    /// <summary>The name this encryption is registered under.</summary>
    internal const string KmsEnvelopeName = "KMS envelope";

    /// <summary>Builds the encryptor of a named client from its options.</summary>
    internal static KmsEnvelopeEncryptor CreateEncryptor(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<KmsEnvelopeEncryptionOptions>>().Get(name);
        var hostClient = services.GetService<IAmazonKeyManagementService>();
        var ownsClient = hostClient is null || KmsClientFactory.NeedsOwnClient(options);

        // Without a region, the first key's ARN names where KMS is (keys in several regions need a client per region: not supported).
        var (kms, abandon) = ownsClient
            ? KmsClientFactory.CreateDeferred(options.ServiceUrl, options.Region ?? KmsKeyArn.RegionOf(options.KeyIds[0]), options.Credentials)
            : (new Lazy<IAmazonKeyManagementService>(() => hostClient!), null);
        return new KmsEnvelopeEncryptor(
            kms,
            ownsClient,
            abandon,
            options.KeyIds.ToArray(),
            options.AlgorithmSuite,
            options.FrameLength,
            new Dictionary<string, string>(options.EncryptionContext, StringComparer.Ordinal),
            new KmsDataKeyCache(options.MaxMessagesPerDataKey, options.MaxBytesPerDataKey, options.MaxDataKeyAge, services.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
