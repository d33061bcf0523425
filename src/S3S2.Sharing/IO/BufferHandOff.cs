using System.Buffers;
using System.Runtime.ExceptionServices;

namespace S3S2.Sharing.IO;

/// <summary>
/// Hands filled pooled buffers from one writer (an encryptor) to one reader (the policy's checks and the uploader),
/// in order, without copying them through a pipe: the writer fills a segment (or encrypts straight into one,
/// <see cref="GetMemory"/>), the reader gets that very array (<see cref="ReadSegmentAsync"/>), checks it in place and
/// writes it out, and it goes back to the pool when the reader asks for the next one.
/// </summary>
/// <remarks>
/// Backpressure: a synchronous <see cref="Write"/> never blocks (the encryptors' inner layers are synchronous); the
/// writer calls <see cref="WaitForRoomAsync"/> after every piece it encrypts, which waits while more than
/// <see cref="MaxQueued"/> segments are queued, until the reader has taken them down to <see cref="ResumeAt"/>: like a
/// pipe's pause and resume thresholds, so a writer that is ahead wakes once per few segments, not once per segment.
/// Either side
/// ending early ends the other: a writer's failure is thrown to the reader, a reader that stops makes the writer's
/// next wait throw. The segments carry ciphertext only, so they go back to the pool as they are.
/// </remarks>
internal sealed class BufferHandOff : IDisposable
{
    /// <summary>The size of a segment the writer fills: about what the encryptors write per piece of plaintext.</summary>
    internal const int SegmentSize = 1024 * 1024;

    /// <summary>Segments queued for the reader before the writer waits: room to ride out a hiccup of either side.</summary>
    internal const int MaxQueued = 4;

    /// <summary>A waiting writer goes on once the reader has taken the queue down to this many segments.</summary>
    internal const int ResumeAt = MaxQueued / 2;

    private readonly object _gate = new();
    private readonly Queue<Segment> _queue = new();
    private readonly int _segmentSize;
    private readonly ArrayPool<byte> _pool;
    private TaskCompletionSource? _readerWaiting;
    private TaskCompletionSource? _writerWaiting;
    private byte[]? _current;
    private int _filled;
    private bool _writerDone;
    private ExceptionDispatchInfo? _writerFailure;
    private byte[]? _reading;
    private bool _readerDone;

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
            if (PooledBlocks.Fill(_current, _current.Length, ref _filled, ref data))
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

    /// <summary>Waits while more than <see cref="MaxQueued"/> segments are queued (until <see cref="ResumeAt"/>); throws if the reader stopped.</summary>
    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        ThrowIfWriterDone();
        while (true)
        {
            TaskCompletionSource waiting;
            lock (_gate)
            {
                if (_readerDone)
                {
                    throw ReaderStopped();
                }

                if (_queue.Count <= MaxQueued)
                {
                    return;
                }

                waiting = _writerWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            await waiting.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
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
        End(failure: null);
    }

    /// <summary>Ends the data with <paramref name="failure"/>, which the reader's next read throws.</summary>
    public void FailWriting(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        End(failure);
    }

    /// <summary>
    /// Returns the next segment (the previous one goes back to the pool); empty at the end of the data. Throws the
    /// writer's failure if it failed. The memory is valid until the next call or <see cref="CompleteReading"/>.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadSegmentAsync(CancellationToken cancellationToken)
    {
        ReturnReading();
        while (true)
        {
            TaskCompletionSource waiting;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_readerDone, this);
                if (_queue.TryDequeue(out var segment))
                {
                    if (_writerWaiting is not null && _queue.Count <= ResumeAt)
                    {
                        // Continuations run asynchronously: waking the writer here runs none of its code under the lock.
                        _writerWaiting.TrySetResult();
                        _writerWaiting = null;
                    }

                    _reading = segment.Buffer;
                    return segment.Buffer.AsMemory(0, segment.Length);
                }

                if (_writerDone)
                {
                    _writerFailure?.Throw();
                    return ReadOnlyMemory<byte>.Empty;
                }

                waiting = _readerWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            await waiting.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The reader is done (at the end, or giving up): queued segments go back to the pool, the writer's next wait throws.</summary>
    public void CompleteReading()
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            if (_readerDone)
            {
                return;
            }

            _readerDone = true;
            (wake, _writerWaiting) = (_writerWaiting, null);
            while (_queue.TryDequeue(out var segment))
            {
                _pool.Return(segment.Buffer);
            }
        }

        ReturnReading();
        wake?.TrySetResult();
    }

    /// <summary>Ends both sides; call once the writer is no longer running.</summary>
    public void Dispose()
    {
        End(new ObjectDisposedException(nameof(BufferHandOff)));
        CompleteReading();
    }

    private void HandOverCurrent()
    {
        var segment = new Segment(_current!, _filled);
        _current = null;
        _filled = 0;
        TaskCompletionSource? wake;
        lock (_gate)
        {
            if (_readerDone)
            {
                // Nobody will read it; the writer learns at its next wait.
                _pool.Return(segment.Buffer);
                return;
            }

            _queue.Enqueue(segment);
            (wake, _readerWaiting) = (_readerWaiting, null);
        }

        wake?.TrySetResult();
    }

    private void End(Exception? failure)
    {
        if (_current is not null)
        {
            _pool.Return(_current);
            _current = null;
            _filled = 0;
        }

        TaskCompletionSource? wake;
        lock (_gate)
        {
            if (_writerDone)
            {
                return;
            }

            _writerDone = true;
            _writerFailure = failure is null ? null : ExceptionDispatchInfo.Capture(failure);
            (wake, _readerWaiting) = (_readerWaiting, null);
        }

        wake?.TrySetResult();
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

    private static IOException ReaderStopped() =>
        new("The reading side of the share (policy check or upload) stopped before the end of the encrypted data.");

    private readonly record struct Segment(byte[] Buffer, int Length);
}
