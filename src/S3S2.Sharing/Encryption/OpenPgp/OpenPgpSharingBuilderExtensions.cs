using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Encryption.OpenPgp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds OpenPGP encryption to a share client.</summary>
public static class OpenPgpSharingBuilderExtensions
{
    /// <summary>Encrypts every file to the receiver's OpenPGP public key(s): AES-256, integrity protected, binary.</summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="configure">Adds recipient keys, pins fingerprints, sets compression.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddOpenPgpEncryption(this IS3S2SharingBuilder builder, Action<OpenPgpEncryptionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<OpenPgpEncryptionOptions>(builder.Name).Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenPgpEncryptionOptions>, OpenPgpEncryptionOptionsValidator>());
        return builder.Register(r => r.Encryptions.Add("OpenPGP"));
    }
}
