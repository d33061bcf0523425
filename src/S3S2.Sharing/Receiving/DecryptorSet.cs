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

        throw mode == KmsEnvelopeMode
            ? new NotSupportedException(
                $"S3S2 receive client '{clientName}': share {shareId} is encrypted with '{KmsEnvelopeMode}', which this version cannot decrypt yet (KMS envelope decryption is not supported yet). Receive it with a version that supports KMS envelope shares.")
            : new NotSupportedException(
                $"S3S2 receive client '{clientName}': share {shareId} names the encryption mode '{mode}', which this version does not know. Known: {string.Join(", ", decryptors.Select(d => d.Mode))}.");
    }

    /// <summary>The decryptor for an object by its key's suffix; the default (OpenPGP) when no suffix is known, since any file may hold a message.</summary>
    public IDecryptor ForKey(string key) =>
        decryptors.FirstOrDefault(d => d.ObjectKeySuffixes.Any(s => key.EndsWith(s, StringComparison.OrdinalIgnoreCase))) ?? Default;
}
