using S3S2.Sharing.IO;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// The output of a message decrypted without a manifest (<see cref="IReceiveClient.DecryptFileAsync"/>,
/// <see cref="IReceiveClient.DecryptObjectAsync"/>, <see cref="IReceiveClient.DecryptAsync"/>, CLI <c>decrypt</c>).
/// With no listed size to hold it to, the plaintext is bounded by <see cref="ReceiveClientOptions.MaxFileBytes"/> and by
/// <see cref="ReceiveClientOptions.MaxExpansionRatio"/> times the ciphertext read so far, counted here, in the pipeline,
/// whatever the decoder does: a few kilobytes of compressed zeros planted for the receiver cannot fill a disk.
/// </summary>
/// <param name="inner">Where the plaintext goes; not disposed.</param>
/// <param name="options">The receiver's limits.</param>
/// <param name="ciphertextBytes">How many ciphertext bytes the decryptor has read so far.</param>
/// <param name="description">The message, for the error.</param>
/// <param name="callersOutput">Whether <paramref name="inner"/> is the caller's stream (the error says to discard it) rather than the library's temporary file.</param>
internal sealed class BoundedWriteStream(Stream inner, ReceiveClientOptions options, Func<long> ciphertextBytes, string description, bool callersOutput) : WriteOnlyStream
{
    private readonly long _maxBytes = options.MaxFileBytes;
    private readonly int _maxRatio = options.MaxExpansionRatio;
    private long _written;

    /// <summary>Gets the refusal that stopped the writing, kept even when a decoder swallows or wraps it.</summary>
    public ReceiveLimitException? Failure { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Check(buffer.Length);
        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Check(buffer.Length);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    private void Check(int count)
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        var total = _written + count;
        if (total > _maxBytes)
        {
            throw Failure = ReceiveLimitException.ForSize(description, _maxBytes, callersOutput);
        }

        if (ReceiveLimitException.ForExpansion(description, _maxRatio, total, ciphertextBytes(), callersOutput) is { } refusal)
        {
            throw Failure = refusal;
        }
    }
}
