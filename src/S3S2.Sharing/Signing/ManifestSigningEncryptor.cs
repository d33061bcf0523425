using System.Text.Json;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Sharing;

namespace S3S2.Sharing.Signing;

/// <summary>
/// Signs the manifest message of each share and passes file messages through unchanged. With the built-in OpenPGP
/// encryptor the signature is one-pass inside the encrypted message (gpg verifies it on decryption); with any other
/// encryptor (KMS envelope, a host's own) the encrypted payload is a <see cref="SignedManifestEnvelope"/>.
/// </summary>
internal sealed class ManifestSigningEncryptor(IEncryptor inner, ManifestSigningKey signer) : IEncryptor
{
    /// <summary>Far above any manifest the receiver accepts (64 MiB); a larger one is not a manifest.</summary>
    private const int MaxManifestBytes = 64 * 1024 * 1024;

    public EncryptionDescriptor Descriptor => inner.Descriptor;

    public async Task EncryptAsync(Stream plaintext, Stream ciphertext, EncryptionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Only the manifest is bound to this path (file paths never start with '/'): its signature covers every file's SHA-256.
        if (!string.Equals(context.RelativePath, ShareClient.ManifestContextPath, StringComparison.Ordinal))
        {
            await inner.EncryptAsync(plaintext, ciphertext, context, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (inner is OpenPgpEncryptor openPgp)
        {
            await openPgp.EncryptAsync(plaintext, ciphertext, context, signer, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var manifest = new MemoryStream();
        await plaintext.CopyToAsync(manifest, cancellationToken).ConfigureAwait(false);
        if (manifest.Length > MaxManifestBytes)
        {
            throw new InvalidOperationException($"The manifest of share {context.ShareId} is {manifest.Length} bytes, more than a receiver accepts ({MaxManifestBytes}). Share fewer files at once.");
        }

        var signed = manifest.ToArray();
        var envelope = new SignedManifestEnvelope(signed, signer.SignDetached(signed));
        using var wrapped = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(envelope, ManifestJsonContext.Default.SignedManifestEnvelope), writable: false);
        await inner.EncryptAsync(wrapped, ciphertext, context, cancellationToken).ConfigureAwait(false);
    }
}
