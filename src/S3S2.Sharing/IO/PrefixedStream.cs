namespace S3S2.Sharing.IO;

/// <summary>Yields bytes already read from a stream (to inspect them), then the rest of that stream.</summary>
internal sealed class PrefixedStream(byte[] head, int headLength, Stream rest) : ReadOnlyStream
{
    private int _headPosition;

    public override int Read(Span<byte> buffer) => Count(_headPosition < headLength ? ReadHead(buffer) : rest.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(_headPosition < headLength ? ReadHead(buffer.Span) : await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Count(int read)
    {
        BytesRead += read;
        return read;
    }

    private int ReadHead(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, headLength - _headPosition);
        head.AsSpan(_headPosition, count).CopyTo(buffer);
        _headPosition += count;
        return count;
    }
}
