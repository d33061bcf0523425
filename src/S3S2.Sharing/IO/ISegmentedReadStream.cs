namespace S3S2.Sharing.IO;

/// <summary>
/// A read stream that can also yield its data as the buffers it already holds, so a consumer that only passes the
/// bytes on (the local folder store's file write) reads them without copying them into a buffer of its own.
/// </summary>
internal interface ISegmentedReadStream
{
    /// <summary>Gets whether <see cref="ReadSegmentAsync"/> is available (a wrapper can offer it only if what it wraps does).</summary>
    bool CanReadSegments { get; }

    /// <summary>
    /// Returns the next bytes, as many as are at hand; empty at the end. The memory is valid until the next read of any
    /// kind. Mixing it with <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/> keeps the order.
    /// </summary>
    ValueTask<ReadOnlyMemory<byte>> ReadSegmentAsync(CancellationToken cancellationToken);
}
