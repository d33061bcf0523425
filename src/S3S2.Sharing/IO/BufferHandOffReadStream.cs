namespace S3S2.Sharing.IO;

/// <summary>
/// The reader's view of a <see cref="BufferHandOff"/>: a stream for uploaders that read into buffers of their own
/// (copying out of the segments), and whole segments for those that can take them (<see cref="SegmentReadStream.ReadSegmentAsync"/>).
/// </summary>
internal sealed class BufferHandOffReadStream(BufferHandOff handOff) : SegmentReadStream
{
    protected override ValueTask<ReadOnlyMemory<byte>> NextSegmentAsync(CancellationToken cancellationToken) => handOff.ReadSegmentAsync(cancellationToken);
}
