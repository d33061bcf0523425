namespace S3S2.Sharing.IO;

/// <summary>Yields bytes already read from a stream (to inspect them), then the rest of that stream.</summary>
internal sealed class PrefixedStream(byte[] head, int headLength, Stream rest) : ReadOnlyStream
{
    private int _headPosition;

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
