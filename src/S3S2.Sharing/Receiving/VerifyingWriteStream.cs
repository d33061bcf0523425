using System.Security.Cryptography;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// Writes through to a file while counting and hashing the plaintext; stops as soon as more bytes arrive than the
/// manifest lists, or more than the expansion ratio allows for the ciphertext read so far, so a forged or compressed
/// message cannot fill the disk. The count is kept here, in the pipeline, whatever the decryptor does.
/// </summary>
internal sealed class VerifyingWriteStream : Stream
{
    /// <summary>From this size on, a piece is hashed on another core while it is written; smaller ones are not worth a task.</summary>
    internal const int ParallelHashMinimum = 128 * 1024;
    private readonly Stream _inner;
    private readonly long _expectedSize;
    private readonly string _description;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _maxRatio;
    private Func<long>? _ciphertextBytes;

    public VerifyingWriteStream(Stream inner, long expectedSize, string description)
    {
        _inner = inner;
        _expectedSize = expectedSize;
        _description = description;
    }

    public long BytesWritten { get; private set; }

    /// <summary>Gets the plaintext size the manifest lists (at most this many bytes are written).</summary>
    public long ExpectedSize => _expectedSize;

    /// <summary>Gets what is told <see cref="BytesWritten"/> after each write (receive progress); <see langword="null"/> for nothing.</summary>
    public Action<long>? Written { get; init; }

    /// <summary>Gets the error that stopped the writing (size or expansion exceeded), kept even when a decoder swallows it.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Caps the plaintext at <paramref name="ratio"/> times the ciphertext read so far (at least 64 KiB of it).</summary>
    public void LimitExpansion(int ratio, Func<long> ciphertextBytes)
    {
        _maxRatio = ratio;
        _ciphertextBytes = ciphertextBytes;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    /// <summary>Throws <see cref="IntegrityException"/> unless the size and SHA-256 of everything written match the manifest.</summary>
    public void Verify(string expectedSha256)
    {
        if (BytesWritten != _expectedSize)
        {
            throw new IntegrityException($"{_description}: decrypted to {BytesWritten} bytes but the manifest lists {_expectedSize}. The object is truncated or was replaced; ask the sender to share it again.");
        }

        var actual = Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new IntegrityException($"{_description}: SHA-256 {actual} differs from the manifest's {expectedSha256.ToLowerInvariant()}. The object was replaced or modified; ask the sender to share it again.");
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Account(buffer);
        _inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length < ParallelHashMinimum)
        {
            Account(buffer.Span);
            return _inner.WriteAsync(buffer, cancellationToken);
        }

        return WriteHashingBesideAsync(buffer, cancellationToken);
    }

    /// <summary>
    /// The SHA-256 of a large piece runs on another core while the piece is written: the hash and the write (a copy into
    /// the page cache) each take about as long as the decryption, so in turn they would be the pipeline's slowest stage.
    /// </summary>
    private async ValueTask WriteHashingBesideAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        Check(buffer.Length);
        var hashing = Task.Run(() => _hash.AppendData(buffer.Span), CancellationToken.None);
        try
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The caller may reuse the buffer once this returns, and the next piece's hash must follow this one.
            await hashing.ConfigureAwait(false);
        }

        BytesWritten += buffer.Length;
        Written?.Invoke(BytesWritten);
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> buffer)
    {
        Check(buffer.Length);
        _hash.AppendData(buffer);
        BytesWritten += buffer.Length;
        Written?.Invoke(BytesWritten);
    }

    /// <summary>Throws (and keeps the error) when <paramref name="count"/> more bytes would pass the manifest's size or the expansion limit.</summary>
    private void Check(int count)
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        if (BytesWritten + count > _expectedSize)
        {
            throw Failure = new IntegrityException($"{_description}: decrypts to more than the {_expectedSize} bytes the manifest lists. The object was replaced or modified; ask the sender to share it again.");
        }

        if (_ciphertextBytes is not null && ReceiveLimitException.ForExpansion(_description, _maxRatio, BytesWritten + count, _ciphertextBytes()) is { } refusal)
        {
            throw Failure = refusal;
        }
    }
}
