using System.Security.Cryptography;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// Writes through to a file while counting and hashing the plaintext; stops as soon as more bytes arrive than the
/// manifest lists, so a forged message cannot fill the disk.
/// </summary>
internal sealed class VerifyingWriteStream : Stream
{
    private readonly Stream _inner;
    private readonly long _expectedSize;
    private readonly string _description;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public VerifyingWriteStream(Stream inner, long expectedSize, string description)
    {
        _inner = inner;
        _expectedSize = expectedSize;
        _description = description;
    }

    public long BytesWritten { get; private set; }

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
        Account(buffer.Span);
        return _inner.WriteAsync(buffer, cancellationToken);
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
        if (BytesWritten + buffer.Length > _expectedSize)
        {
            throw new IntegrityException($"{_description}: decrypts to more than the {_expectedSize} bytes the manifest lists. The object was replaced or modified; ask the sender to share it again.");
        }

        _hash.AppendData(buffer);
        BytesWritten += buffer.Length;
    }
}
