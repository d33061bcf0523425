using S3S2.Sharing.Encryption;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Lets the host supply the encryptor (for example one backed by an HSM) for a client's configured format.</summary>
public static class EncryptorSharingBuilderExtensions
{
    /// <summary>
    /// Replaces the built-in implementation of the configured format with the host's encryptor. The configuration
    /// still says what must come out: <c>AddOpenPgpEncryption(...)</c> (recipient keys and pinned fingerprints) or
    /// <c>AddKmsEnvelopeEncryption(...)</c> (KMS key ARNs) must also be called, and the share policy checks every byte
    /// the host's encryptor writes against that configuration, exactly as it checks the built-in encryptor: a message
    /// to other keys, in another format, not framed to its last byte as the format requires, or not looking like
    /// ciphertext is refused and nothing is stored. The encryptor's <see cref="IEncryptor.Descriptor"/> must name the
    /// configured format's mode and object key suffix (<c>openpgp</c>/<c>.gpg</c> or <c>kms-envelope</c>/<c>.encrypted</c>).
    /// </summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="create">Creates the encryptor once per client; one that is <see cref="IDisposable"/> is disposed with the client factory.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder AddEncryptor(this IS3S2SharingBuilder builder, Func<IServiceProvider, IEncryptor> create)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(create);
        return builder.Register(r => r.CustomEncryptors.Add(create));
    }
}
