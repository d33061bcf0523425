namespace S3S2.Sharing.IO;

/// <summary>
/// A read-only stream whose data comes in segments (<see cref="NextSegmentAsync"/>): consumers that can take segments
/// get them as they are (<see cref="ReadSegmentAsync"/>); reads into a caller's buffer copy out of them and keep what
/// did not fit for the next read.
/// </summary>
internal abstract class SegmentReadStream : ReadOnlyStream, ISegmentedReadStream
{
    private ReadOnlyMemory<byte> _rest;

    public bool CanReadSegments => true;

    public ValueTask<ReadOnlyMemory<byte>> ReadSegmentAsync(CancellationToken cancellationToken)
    {
        if (_rest.IsEmpty)
        {
            return NextSegmentAsync(cancellationToken);
        }

        var rest = _rest;
        _rest = default;
        return new ValueTask<ReadOnlyMemory<byte>>(rest);
    }

    /// <summary>Returns the next segment, valid until the next call; empty at the end.</summary>
    protected abstract ValueTask<ReadOnlyMemory<byte>> NextSegmentAsync(CancellationToken cancellationToken);

    /// <summary>Forgets what is left of the last segment (its memory is about to be no longer valid).</summary>
    protected void DropRest() => _rest = default;

    // Readers that read synchronously get the same bytes; the wait is the source's, as with a pipe's stream.
    protected override int ReadCore(Span<byte> buffer) =>
        buffer.IsEmpty ? 0 : Take(_rest.IsEmpty ? NextSegmentAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() : _rest, buffer);

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var source = _rest.IsEmpty ? await NextSegmentAsync(cancellationToken).ConfigureAwait(false) : _rest;
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
