using System.Buffers;
using System.Numerics;
using S3S2.Sharing.IO;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Writes one packet whose size is not known in advance (RFC 4880 section 4.2.2.4): the tag, then full chunks with
/// partial body lengths, and the rest with a definite length when completed. Chunks are a power of two of at least
/// 512 bytes, so the first partial length is always valid; a body that fits one chunk gets a plain definite length.
/// The chunk buffer comes from the shared pool and goes back at <see cref="Complete"/> or disposal, cleared as far as
/// it was filled (a literal packet's chunk holds plaintext): a share of many small files would otherwise allocate (and
/// the runtime zero) a fresh large array per packet, which the background GC then has to collect.
/// </summary>
internal sealed class PartialLengthWriteStream : WriteOnlyStream
{
    private readonly Stream _target;
    private readonly int _chunkSize;
    private readonly byte _partialLength;
    private byte[]? _chunk;
    private int _count;
    private int _filled;
    private bool _completed;

    public PartialLengthWriteStream(Stream target, int tag, int chunkSize)
    {
        if (chunkSize < 512 || !BitOperations.IsPow2(chunkSize) || chunkSize > 1 << 30)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "A partial body chunk is a power of two from 512 bytes to 1 GiB.");
        }

        _target = target;
        _chunkSize = chunkSize;
        _partialLength = OpenPgpPackets.PartialLength(BitOperations.Log2((uint)chunkSize));
        _target.WriteByte((byte)(0xC0 | tag));
        _chunk = ArrayPool<byte>.Shared.Rent(chunkSize);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_completed || _chunk is null, this);
        while (!buffer.IsEmpty)
        {
            // A full chunk is only sent once more data follows: the last chunk must carry a definite length.
            if (_count == _chunkSize)
            {
                _target.WriteByte(_partialLength);
                _target.Write(_chunk, 0, _chunkSize);
                _count = 0;
            }

            // A chunk with more data after it goes to the target without passing through the chunk buffer: its length,
            // the bytes buffered so far, then the rest of it straight from the caller's buffer. Copying it here first
            // would cost a pass over every byte that arrives after a piece that did not end on a chunk boundary.
            if (_count + buffer.Length > _chunkSize)
            {
                var rest = _chunkSize - _count;
                _target.WriteByte(_partialLength);
                if (_count > 0)
                {
                    _target.Write(_chunk, 0, _count);
                }

                _target.Write(buffer[..rest]);
                _count = 0;
                buffer = buffer[rest..];
                continue;
            }

            buffer.CopyTo(_chunk.AsSpan(_count));
            _count += buffer.Length;
            _filled = Math.Max(_filled, _count);
            buffer = [];
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Writes the last chunk with its definite length; the packet is then complete.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        ObjectDisposedException.ThrowIf(_chunk is null, this);
        Span<byte> length = stackalloc byte[5];
        _target.Write(length[..OpenPgpPackets.WriteLength(length, _count)]);
        _target.Write(_chunk, 0, _count);
        _completed = true;
        ReturnChunk();
    }

    /// <summary>Returns the chunk buffer; the target is not the stream's to dispose, and nothing more is written.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReturnChunk();
        }

        base.Dispose(disposing);
    }

    private void ReturnChunk()
    {
        if (_chunk is not null)
        {
            PlaintextBuffers.Return(_chunk, _filled);
            _chunk = null;
        }
    }

    public override void Flush()
    {
    }
}
