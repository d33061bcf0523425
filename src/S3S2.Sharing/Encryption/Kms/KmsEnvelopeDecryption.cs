using Amazon.KeyManagementService;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>Decrypts one KMS envelope message (AWS Encryption SDK message format version 2), streamed, verified before release.</summary>
public static class KmsEnvelopeDecryption
{
    /// <summary>
    /// Decrypts <paramref name="message"/> into <paramref name="output"/>. The header (key commitment, authentication tag)
    /// is verified before anything is written, and each frame before its plaintext is written. With the signed suite
    /// (0x0578) the signature is checked at the end: keep the output only when this method returns (write it to a
    /// temporary file and rename it), as on any exception.
    /// </summary>
    /// <param name="message">The message, read once to its end.</param>
    /// <param name="output">Receives the plaintext; left open.</param>
    /// <param name="kmsForKey">The KMS client for a key ARN the message names (for example by the ARN's region).</param>
    /// <param name="allowedKeyIds">The KMS key ARNs that may decrypt (required): KMS is never called with another key.</param>
    /// <param name="expectedContext">Encryption context pairs the message must carry (for example <c>s3s2:share-id</c>); may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the decryption.</param>
    /// <returns>The message's encryption context.</returns>
    /// <exception cref="IntegrityException">The message was altered, truncated or carries another encryption context.</exception>
    /// <exception cref="EncryptionKeyException">No allowed KMS key could decrypt the data key (disabled, unknown, access denied...).</exception>
    /// <exception cref="ArgumentException"><paramref name="allowedKeyIds"/> is <see langword="null"/> or empty.</exception>
    public static Task<IReadOnlyDictionary<string, string>> DecryptAsync(
        Stream message,
        Stream output,
        Func<string, IAmazonKeyManagementService> kmsForKey,
        IEnumerable<string>? allowedKeyIds = null,
        IReadOnlyDictionary<string, string>? expectedContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(kmsForKey);
        return DecryptOnceAsync(message, output, kmsForKey, new KmsKeyFilter(allowedKeyIds ?? [], [], "aws"), expectedContext, cancellationToken);
    }

    /// <summary>Whether bytes open like a KMS envelope message (AWS Encryption SDK format version 2, suite 0x0478 or 0x0578).</summary>
    /// <param name="head">The first bytes of a message (3 are enough).</param>
    /// <returns><see langword="true"/> for a KMS envelope message; anything else is not one.</returns>
    public static bool LooksLikeMessage(ReadOnlySpan<byte> head) => EsdkFormat.LooksLikeMessage(head);

    private static async Task<IReadOnlyDictionary<string, string>> DecryptOnceAsync(
        Stream message, Stream output, Func<string, IAmazonKeyManagementService> kmsForKey, KmsKeyFilter allowed, IReadOnlyDictionary<string, string>? expectedContext, CancellationToken cancellationToken)
    {
        using var decryptor = new KmsEnvelopeDecryptor(kmsForKey, allowed);
        return await decryptor.DecryptAsync(message, output, expectedContext, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Decrypts with one KMS client (tests and benchmarks); see the public overload.</summary>
    internal static Task<IReadOnlyDictionary<string, string>> DecryptAsync(
        Stream message,
        Stream output,
        IAmazonKeyManagementService kms,
        IEnumerable<string>? allowedKeyIds = null,
        IReadOnlyDictionary<string, string>? expectedContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        return DecryptAsync(message, output, _ => kms, allowedKeyIds, expectedContext, cancellationToken);
    }
}
