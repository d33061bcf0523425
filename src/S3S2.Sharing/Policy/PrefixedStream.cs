namespace S3S2.Sharing.Policy;

/// <summary>A read-only stream that yields the bytes the policy inspected, then the rest of the body.</summary>
internal sealed class PrefixedStream : Stream
{
    private readonly byte[] _head;
    private readonly int _headLength;
    private readonly Stream _rest;
    private int _headPosition;
    private long _position;

    public PrefixedStream(byte[] head, int headLength, Stream rest)
    {
        _head = head;
        _headLength = headLength;
        _rest = rest;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _headPosition < _headLength ? ReadHead(buffer) : _rest.Read(buffer);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = _headPosition < _headLength ? ReadHead(buffer.Span) : await _rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int ReadHead(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _headLength - _headPosition);
        _head.AsSpan(_headPosition, count).CopyTo(buffer);
        _headPosition += count;
        return count;
    }
}
