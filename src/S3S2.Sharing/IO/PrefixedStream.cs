namespace S3S2.Sharing.IO;

/// <summary>Yields bytes already read from a stream (to inspect them), then the rest of that stream.</summary>
internal sealed class PrefixedStream(byte[] head, int headLength, Stream rest) : ReadOnlyStream, ISegmentedReadStream
{
    private int _headPosition;

    public bool CanReadSegments => rest is ISegmentedReadStream { CanReadSegments: true };

    public async ValueTask<ReadOnlyMemory<byte>> ReadSegmentAsync(CancellationToken cancellationToken)
    {
        if (_headPosition < headLength)
        {
            var start = _headPosition;
            _headPosition = headLength;
            return head.AsMemory(start, headLength - start);
        }

        return rest is ISegmentedReadStream { CanReadSegments: true } segments
            ? await segments.ReadSegmentAsync(cancellationToken).ConfigureAwait(false)
            : throw new NotSupportedException("The rest of this body cannot be read in segments.");
    }

    protected override int ReadCore(Span<byte> buffer) => _headPosition < headLength ? ReadHead(buffer) : rest.Read(buffer);

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _headPosition < headLength ? ReadHead(buffer.Span) : await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);

    private int ReadHead(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, headLength - _headPosition);
        head.AsSpan(_headPosition, count).CopyTo(buffer);
        _headPosition += count;
        return count;
    }
}
