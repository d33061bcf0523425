using System.Security.Cryptography;

namespace S3S2.Sharing.Sharing;

/// <summary>Reads through to a stream while computing the SHA-256 and length of what was read.</summary>
internal sealed class HashingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Action<long>? _onRead;

    public HashingReadStream(Stream inner, Action<long>? onRead = null)
    {
        _inner = inner;
        _onRead = onRead;
    }

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    /// <summary>The SHA-256 of everything read, lower-case hex.</summary>
    public string HashHex() => Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Account(buffer[.._inner.Read(buffer)]);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..read]);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Account(ReadOnlySpan<byte> read)
    {
        _hash.AppendData(read);
        BytesRead += read.Length;
        _onRead?.Invoke(BytesRead);
        return read.Length;
    }
}
