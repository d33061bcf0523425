namespace S3S2.Sharing.IO;

/// <summary>Reads a caller's stream without disposing it: the caller owns it.</summary>
internal sealed class NonClosingStream(Stream inner) : ReadOnlyStream
{
    public override bool CanRead => inner.CanRead;

    protected override int ReadCore(Span<byte> buffer) => inner.Read(buffer);

    protected override ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken) => inner.ReadAsync(buffer, cancellationToken);
}
