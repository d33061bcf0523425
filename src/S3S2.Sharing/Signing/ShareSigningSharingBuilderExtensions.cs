using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Signing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds share signing (sender authentication) to a share client.</summary>
public static class ShareSigningSharingBuilderExtensions
{
    /// <summary>
    /// Signs each share's manifest (which holds every file's SHA-256) with the partner's own OpenPGP key before it is
    /// encrypted: in OpenPGP mode as a one-pass signature inside the encrypted message (as <c>gpg --sign --encrypt</c>
    /// writes it), in KMS envelope mode as a detached signature inside the encrypted manifest. Receivers that pin the
    /// partner's fingerprint refuse shares not signed by it. The key is checked when the client starts.
    /// </summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="configure">Sets the signing key, its passphrase callback and, optionally, the pinned fingerprint.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddShareSigning(this IS3S2SharingBuilder builder, Action<ShareSigningOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<ShareSigningOptions>(builder.Name).Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShareSigningOptions>, ShareSigningOptionsValidator>());
        return builder.Register(r => r.Signs = true);
    }
}
