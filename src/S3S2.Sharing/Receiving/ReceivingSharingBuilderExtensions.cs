using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using S3S2.Sharing;
using S3S2.Sharing.Receiving;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the receiving side to an S3S2 client.</summary>
public static class ReceivingSharingBuilderExtensions
{
    /// <summary>
    /// Lets the client receive shares (resolved as <see cref="IReceiveClient"/>, or by name through <see cref="IReceiveClientFactory"/>):
    /// it reads from the store the builder was given (<c>AddS3Store(...)</c> for the client's bucket, or
    /// <c>AddLocalFolderStore(folder)</c>) under the client's prefix, and decrypts with the receiver's secret keys.
    /// A client that only receives needs no encryption.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configure">Adds secret keys, sets the passphrase callback; may be <see langword="null"/> (listing only).</param>
    /// <returns>The builder.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The IConfiguration overload has as many parameters; the types tell them apart, as AddS3S2Sharing's overloads do.")]
    public static IS3S2SharingBuilder AddReceiving(this IS3S2SharingBuilder builder, Action<ReceiveClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ReceiveClientOptions>(builder.Name).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReceiveClientOptions>, ReceiveClientOptionsValidator>());
        builder.Services.TryAddSingleton<IReceiveClientFactory, ReceiveClientFactory>();
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<IReceiveClientFactory>().CreateClient(ShareClientOptions.DefaultName));
        return builder.Register(r => r.Receives = true);
    }

    /// <summary>
    /// Lets the client receive shares with options from configuration (for example the <c>S3S2:Receive</c> section):
    /// <c>SecretKeyFiles:N</c>, <c>PassphraseEnvironmentVariable</c>, <c>AllowedKmsKeyIds:N</c>, <c>AllowedKmsAccountIds:N</c>,
    /// <c>KmsServiceUrl</c>, <c>KmsRegion</c>, <c>DeleteAfterReceive</c>, <c>MaxConcurrentFiles</c>, <c>TemporaryDirectory</c>,
    /// <c>RequireSignedShares</c>, <c>PinnedSigners:N</c> (<c>FINGERPRINT</c> or <c>PREFIX=FINGERPRINT</c>)
    /// and the limits (<c>MaxFileBytes</c>, <c>MaxShareBytes</c>, ...). Validated at start like the other overload.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configuration">The section holding the receive options.</param>
    /// <returns>The builder; call <c>AddReceiving(o => ...)</c> as well to set what configuration cannot hold (keys from memory, a passphrase callback).</returns>
    public static IS3S2SharingBuilder AddReceiving(this IS3S2SharingBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<ReceiveClientOptions>(builder.Name, configuration);
        return builder.AddReceiving();
    }
}
