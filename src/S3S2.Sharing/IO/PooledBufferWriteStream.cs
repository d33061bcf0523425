using System.Buffers;

namespace S3S2.Sharing.IO;

/// <summary>
/// Collects written bytes in one array rented from <see cref="ArrayPool{T}.Shared"/>, growing by renting a larger one:
/// a <see cref="MemoryStream"/> would allocate a new large-object-heap array for every block it holds.
/// <see cref="Detach"/> hands the array to the caller, who returns it to the pool. What it holds may be derived from
/// plaintext (zlib output), so the arrays it gives back itself go back cleared as far as they were written.
/// </summary>
internal sealed class PooledBufferWriteStream : Stream
{
    private byte[]? _buffer;
    private int _length;

    public PooledBufferWriteStream(int initialCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => _buffer is not null;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        if (buffer.Length > _buffer.Length - _length)
        {
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, (long)_length + buffer.Length)));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            PlaintextBuffers.Return(_buffer, _length);
            _buffer = larger;
        }

        buffer.CopyTo(_buffer.AsSpan(_length));
        _length += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Hands over the pooled array and how many bytes of it were written; the caller returns it to the pool.</summary>
    public (byte[] Buffer, int Length) Detach()
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        var result = (_buffer, _length);
        _buffer = null;
        return result;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_buffer is not null)
        {
            PlaintextBuffers.Return(_buffer, _length);
            _buffer = null;
        }

        base.Dispose(disposing);
    }
}
