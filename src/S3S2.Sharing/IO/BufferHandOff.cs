using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace S3S2.Sharing.IO;

/// <summary>
/// Hands filled pooled buffers from one writer (an encryptor) to one reader (the policy's checks and the uploader),
/// in order, without copying them through a pipe: the writer fills a segment (or encrypts straight into one,
/// <see cref="GetMemory"/>), the reader gets that very array (<see cref="ReadSegmentAsync"/>), checks it in place and
/// writes it out, and it goes back to the pool when the reader asks for the next one.
/// </summary>
/// <remarks>
/// Backpressure: at most <see cref="MaxQueued"/> segments wait for the reader; a synchronous <see cref="Write"/> never
/// blocks (the encryptors' inner layers are synchronous), so what it hands over beyond the bound waits with the writer
/// until its next <see cref="WaitForRoomAsync"/>, which the writer calls after every piece it encrypts. Either side
/// ending early ends the other: a writer's failure is thrown to the reader, a reader that stops makes the writer's
/// next wait throw. The segments carry ciphertext only, so they go back to the pool as they are.
/// </remarks>
internal sealed class BufferHandOff : IDisposable
{
    /// <summary>The size of a segment the writer fills: about what the encryptors write per piece of plaintext.</summary>
    internal const int SegmentSize = 1024 * 1024;

    /// <summary>Segments queued for the reader before the writer waits: room to ride out a hiccup of either side.</summary>
    internal const int MaxQueued = 4;

    private readonly Channel<Segment> _queue = Channel.CreateBounded<Segment>(
        new BoundedChannelOptions(MaxQueued) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Queue<Segment> _overflow = new();
    private readonly int _segmentSize;
    private readonly ArrayPool<byte> _pool;
    private byte[]? _current;
    private int _filled;
    private bool _writerDone;
    private ExceptionDispatchInfo? _writerFailure;
    private byte[]? _reading;
    private volatile bool _readerDone;

    public BufferHandOff(int segmentSize = SegmentSize, ArrayPool<byte>? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, 1);
        _segmentSize = segmentSize;
        _pool = pool ?? ArrayPool<byte>.Shared;
        Writer = new BufferHandOffWriteStream(this);
        Reader = new BufferHandOffReadStream(this);
    }

    /// <summary>Gets the writer's view: a stream whose writes fill segments (for encryptors that write to a stream).</summary>
    public BufferHandOffWriteStream Writer { get; }

    /// <summary>Gets the reader's view: a stream (for uploaders that read one) that also yields whole segments.</summary>
    public BufferHandOffReadStream Reader { get; }

    /// <summary>Copies <paramref name="data"/> into segments, handing over each one filled; never blocks.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        ThrowIfWriterDone();
        while (!data.IsEmpty)
        {
            _current ??= _pool.Rent(_segmentSize);
            var take = Math.Min(data.Length, _current.Length - _filled);
            data[..take].CopyTo(_current.AsSpan(_filled));
            _filled += take;
            data = data[take..];
            if (_filled == _current.Length)
            {
                HandOverCurrent();
            }
        }
    }

    /// <summary>
    /// Returns room for at least <paramref name="sizeHint"/> bytes in the current segment (handing over the current one
    /// first if it has less), for a writer that produces its bytes in place; <see cref="Advance"/> says how many it wrote.
    /// </summary>
    public Memory<byte> GetMemory(int sizeHint)
    {
        ThrowIfWriterDone();
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeHint, 1);
        if (_current is not null && _current.Length - _filled < sizeHint)
        {
            HandOverCurrent();
        }

        _current ??= _pool.Rent(Math.Max(_segmentSize, sizeHint));
        return _current.AsMemory(_filled);
    }

    /// <summary>Counts <paramref name="count"/> bytes written into the memory <see cref="GetMemory"/> returned.</summary>
    public void Advance(int count)
    {
        ThrowIfWriterDone();
        if (_current is null || count < 0 || count > _current.Length - _filled)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Advance past the memory GetMemory returned.");
        }

        _filled += count;
        if (_filled == _current.Length)
        {
            HandOverCurrent();
        }
    }

    /// <summary>Waits until the segments handed over so far fit the queue; throws if the reader stopped.</summary>
    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        ThrowIfWriterDone();
        while (_overflow.TryPeek(out var segment))
        {
            try
            {
                await _queue.Writer.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException ex)
            {
                throw ReaderStopped(ex);
            }

            _overflow.Dequeue();
        }

        if (_readerDone)
        {
            throw ReaderStopped(null);
        }
    }

    /// <summary>Hands over the last, partly filled segment and ends the data: the reader then reads to its end.</summary>
    public async ValueTask CompleteWritingAsync(CancellationToken cancellationToken)
    {
        if (_current is not null && _filled > 0)
        {
            HandOverCurrent();
        }

        await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        _writerDone = true;
        ReturnWriterSegments();
        _queue.Writer.TryComplete();
    }

    /// <summary>Ends the data with <paramref name="failure"/>, which the reader's next read throws.</summary>
    public void FailWriting(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (_writerDone)
        {
            return;
        }

        _writerDone = true;
        _writerFailure = ExceptionDispatchInfo.Capture(failure);
        ReturnWriterSegments();
        _queue.Writer.TryComplete();
    }

    /// <summary>
    /// Returns the next segment (the previous one goes back to the pool); empty at the end of the data. Throws the
    /// writer's failure if it failed. The memory is valid until the next call or <see cref="CompleteReading"/>.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadSegmentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_readerDone, this);
        ReturnReading();
        while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_queue.Reader.TryRead(out var segment))
            {
                _reading = segment.Buffer;
                return segment.Buffer.AsMemory(0, segment.Length);
            }
        }

        _writerFailure?.Throw();
        return ReadOnlyMemory<byte>.Empty;
    }

    /// <summary>The reader is done (at the end, or giving up): queued segments go back to the pool, the writer's next wait throws.</summary>
    public void CompleteReading()
    {
        if (_readerDone)
        {
            return;
        }

        _readerDone = true;
        _queue.Writer.TryComplete();
        ReturnReading();

        // The channel is closed: nothing enters it any more, so what is left can be returned.
        while (_queue.Reader.TryRead(out var segment))
        {
            _pool.Return(segment.Buffer);
        }
    }

    /// <summary>Ends both sides; call once the writer is no longer running.</summary>
    public void Dispose()
    {
        if (!_writerDone)
        {
            FailWriting(new ObjectDisposedException(nameof(BufferHandOff)));
        }

        CompleteReading();
    }

    private void HandOverCurrent()
    {
        var segment = new Segment(_current!, _filled);
        _current = null;
        _filled = 0;
        if (_overflow.Count > 0 || !_queue.Writer.TryWrite(segment))
        {
            _overflow.Enqueue(segment);
        }
    }

    private void ReturnWriterSegments()
    {
        if (_current is not null)
        {
            _pool.Return(_current);
            _current = null;
            _filled = 0;
        }

        while (_overflow.TryDequeue(out var segment))
        {
            _pool.Return(segment.Buffer);
        }
    }

    private void ReturnReading()
    {
        if (_reading is not null)
        {
            _pool.Return(_reading);
            _reading = null;
        }
    }

    private void ThrowIfWriterDone() => ObjectDisposedException.ThrowIf(_writerDone, this);

    private static IOException ReaderStopped(Exception? inner) =>
        new("The reading side of the share (policy check or upload) stopped before the end of the encrypted data.", inner);

    private readonly record struct Segment(byte[] Buffer, int Length);
}
