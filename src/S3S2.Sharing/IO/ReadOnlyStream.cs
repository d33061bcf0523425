namespace S3S2.Sharing.IO;

/// <summary>
/// The base of the library's forward-only, read-only stream wrappers: they need only say how to read.
/// Position counts the bytes read; seeking and writing are not supported.
/// </summary>
internal abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    /// <summary>Gets how many bytes were read so far.</summary>
    public long BytesRead { get; private set; }

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override int Read(Span<byte> buffer) => Count(ReadCore(buffer));

    public sealed override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await ReadCoreAsync(buffer, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads into <paramref name="buffer"/>; returns how many bytes, 0 at the end.</summary>
    protected abstract int ReadCore(Span<byte> buffer);

    /// <summary>Reads into <paramref name="buffer"/>; returns how many bytes, 0 at the end.</summary>
    protected abstract ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    private int Count(int read)
    {
        BytesRead += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
