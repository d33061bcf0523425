using S3S2.Sharing.IO;

namespace S3S2.Sharing.Receiving;

/// <summary>The decryptors a receive client has, chosen by the manifest's encryption mode or an object key's suffix.</summary>
internal sealed class DecryptorSet(string clientName, IReadOnlyList<IDecryptor> decryptors)
{
    public const string KmsEnvelopeMode = "kms-envelope";

    public IDecryptor Default => decryptors[0];

    public IDecryptor ForMode(string? mode, string shareId)
    {
        var decryptor = decryptors.FirstOrDefault(d => string.Equals(d.Mode, mode, StringComparison.Ordinal));
        if (decryptor is not null)
        {
            return decryptor;
        }

        if (mode == KmsEnvelopeMode)
        {
            throw new Encryption.EncryptionKeyException($"S3S2 receive client '{clientName}': share {shareId} is KMS envelope encrypted. {Encryption.Kms.KmsKeyFilter.NoKeysAllowed}");
        }

        throw new NotSupportedException(
            $"S3S2 receive client '{clientName}': share {shareId} names the encryption mode '{mode}', which this version does not know. Known: {string.Join(", ", decryptors.Select(d => d.Mode))}.");
    }

    /// <summary>Whether <paramref name="suffix"/> is exactly the suffix senders write for one of the formats (its first suffix).</summary>
    /// <remarks>KMS envelope shares are listed even without KMS configured, so that receiving one says what to configure.</remarks>
    public bool IsWrittenSuffix(string suffix) =>
        decryptors.Any(d => string.Equals(d.ObjectKeySuffixes[0], suffix, StringComparison.Ordinal))
        || string.Equals(suffix, Encryption.Kms.KmsEnvelopeEncryptor.ObjectKeySuffix, StringComparison.Ordinal);

    /// <summary>
    /// Peeks the first bytes of a message to choose its decryptor: an AWS Encryption SDK version-2 header
    /// (0x02, then suite 0x0478 or 0x0578) is a KMS envelope message, anything else is read as OpenPGP. Returns the
    /// stream to read from instead of <paramref name="ciphertext"/> (it replays the peeked bytes; nothing is seeked).
    /// </summary>
    public async Task<(IDecryptor Decryptor, PrefixedStream Message)> ForContentAsync(Stream ciphertext, CancellationToken cancellationToken)
    {
        var head = new byte[3];
        var length = await ciphertext.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var decryptor = Encryption.Kms.EsdkFormat.LooksLikeMessage(head.AsSpan(0, length))
            ? decryptors.FirstOrDefault(d => d.Mode == KmsEnvelopeMode)
                ?? throw new Encryption.EncryptionKeyException($"S3S2 receive client '{clientName}': the message is a KMS envelope message. {Encryption.Kms.KmsKeyFilter.NoKeysAllowed}")
            : Default;
        return (decryptor, new PrefixedStream(head, length, ciphertext));
    }

    /// <summary>The decryptor for an object by its key's suffix; the default (OpenPGP) when no suffix is known, since any file may hold a message.</summary>
    public IDecryptor ForKey(string key) =>
        decryptors.FirstOrDefault(d => d.ObjectKeySuffixes.Any(s => key.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
        ?? (key.EndsWith(Encryption.Kms.KmsEnvelopeEncryptor.ObjectKeySuffix, StringComparison.OrdinalIgnoreCase)
            ? throw new Encryption.EncryptionKeyException($"S3S2 receive client '{clientName}': '{key}' is a KMS envelope message. {Encryption.Kms.KmsKeyFilter.NoKeysAllowed}")
            : Default);
}
