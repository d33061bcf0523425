using System.Globalization;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// A share, file or message exceeds one of the receiver's limits (<see cref="ReceiveClientOptions.MaxFileBytes"/>,
/// <see cref="ReceiveClientOptions.MaxExpansionRatio"/> and the others, or the free disk space). A receive reports it as
/// <see cref="ReceiveStatus.Refused"/>; a single decryption (<see cref="IReceiveClient.DecryptFileAsync"/> and the
/// others) throws it. The message names the limit and how to raise it.
/// </summary>
public sealed class ReceiveLimitException : S3S2Exception
{
    /// <summary>The ciphertext read counts as at least this much in the expansion limit (a message's headers are not a ratio's base).</summary>
    internal const long MinimumCiphertextCounted = 64 * 1024;

    /// <summary>Initializes a new instance of the <see cref="ReceiveLimitException"/> class.</summary>
    public ReceiveLimitException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ReceiveLimitException"/> class.</summary>
    /// <param name="message">Which limit was exceeded, its value, and the setting that raises it.</param>
    public ReceiveLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ReceiveLimitException"/> class.</summary>
    /// <param name="message">Which limit was exceeded, its value, and the setting that raises it.</param>
    /// <param name="innerException">The cause.</param>
    public ReceiveLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The refusal when a message without a manifest decrypts to more than <paramref name="maxBytes"/>.</summary>
    internal static ReceiveLimitException ForSize(string description, long maxBytes, bool callersOutput) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"{description}: decrypts to more than MaxFileBytes {maxBytes} bytes; refused{Kept(callersOutput)}. If the file is expected, raise MaxFileBytes (CLI: --max-file-bytes)."));

    /// <summary>
    /// The refusal when <paramref name="plaintextBytes"/> exceed <paramref name="maxRatio"/> times the ciphertext read so
    /// far (at least <see cref="MinimumCiphertextCounted"/>), or <see langword="null"/>. <paramref name="callersOutput"/>:
    /// the plaintext went to the caller's stream, which the caller must discard (the library removes its own files).
    /// </summary>
    internal static ReceiveLimitException? ForExpansion(string description, int maxRatio, long plaintextBytes, long ciphertextBytes, bool callersOutput = false) =>
        plaintextBytes > maxRatio * Math.Max(ciphertextBytes, MinimumCiphertextCounted)
            ? new ReceiveLimitException(string.Create(
                CultureInfo.InvariantCulture,
                $"{description}: decompresses to more than {maxRatio} times its ciphertext ({plaintextBytes} bytes from {ciphertextBytes}); refused as a decompression bomb{Kept(callersOutput)}. If the file is expected, raise MaxExpansionRatio (CLI: --max-expansion-ratio)."))
            : null;

    /// <summary>What became of the plaintext written before the refusal: the library's own file is gone, the caller's stream is the caller's to discard.</summary>
    private static string Kept(bool callersOutput) => callersOutput ? "; discard what was written" : ", nothing of it was kept";
}
