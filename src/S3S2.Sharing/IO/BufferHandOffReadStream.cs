namespace S3S2.Sharing.IO;

/// <summary>
/// The reader's view of a <see cref="BufferHandOff"/>: a stream for uploaders that read into buffers of their own
/// (copying out of the segments), and whole segments for those that can take them (<see cref="ReadSegmentAsync"/>).
/// </summary>
internal sealed class BufferHandOffReadStream(BufferHandOff handOff) : ReadOnlyStream, ISegmentedReadStream
{
    private ReadOnlyMemory<byte> _rest;

    public bool CanReadSegments => true;

    public async ValueTask<ReadOnlyMemory<byte>> ReadSegmentAsync(CancellationToken cancellationToken)
    {
        if (!_rest.IsEmpty)
        {
            var rest = _rest;
            _rest = default;
            return rest;
        }

        return await handOff.ReadSegmentAsync(cancellationToken).ConfigureAwait(false);
    }

    // Uploaders that read synchronously get the same bytes; the wait is the writer's, as with a pipe's stream.
    protected override int ReadCore(Span<byte> buffer) =>
        buffer.IsEmpty ? 0 : Take(_rest.IsEmpty ? handOff.ReadSegmentAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() : _rest, buffer);

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var source = _rest.IsEmpty ? await handOff.ReadSegmentAsync(cancellationToken).ConfigureAwait(false) : _rest;
        return Take(source, buffer.Span);
    }

    private int Take(ReadOnlyMemory<byte> source, Span<byte> buffer)
    {
        var count = Math.Min(source.Length, buffer.Length);
        source.Span[..count].CopyTo(buffer);
        _rest = source[count..];
        return count;
    }
}
