namespace S3S2.Sharing.IO;

/// <summary>
/// The writer's view of a <see cref="BufferHandOff"/>: writes fill its segments and never block; <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
/// and <see cref="FlushAsync(CancellationToken)"/> then wait for room (the backpressure). Flushing does not hand over a
/// partly filled segment: the data ends with <see cref="BufferHandOff.CompleteWritingAsync"/>, which does.
/// </summary>
internal sealed class BufferHandOffWriteStream(BufferHandOff handOff) : WriteOnlyStream
{
    /// <summary>Gets the hand-off, for writers that produce their bytes straight into its segments.</summary>
    public BufferHandOff HandOff => handOff;

    public override void Write(ReadOnlySpan<byte> buffer) => handOff.Write(buffer);

    public override void WriteByte(byte value) => handOff.Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        handOff.Write(buffer.Span);
        return handOff.WaitForRoomAsync(cancellationToken);
    }

    /// <summary>Nothing to do synchronously: waiting for room here would block a thread-pool thread on the reader.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => handOff.WaitForRoomAsync(cancellationToken).AsTask();
}
