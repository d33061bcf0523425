namespace S3S2.Sharing.IO;

/// <summary>Reads a caller's stream without disposing it: the caller owns it.</summary>
internal sealed class NonClosingStream(Stream inner) : ReadOnlyStream
{
    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);
}
