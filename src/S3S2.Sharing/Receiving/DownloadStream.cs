using System.Buffers;
using System.Globalization;
using S3S2.Sharing.IO;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// The body of one download as the decryptor reads it: every read must bring data within the read timeout (a stalled
/// connection is abandoned, not waited on for ever), and the first error the store raises is kept, so that the pipeline
/// can tell a cut connection (retry) from a corrupt message even after the decryptor has reported it in its own terms.
/// While the decryptor works on one chunk (up to 256 KiB: the size the decryptor reads at a time, few enough reads for
/// their timeouts and thread hops not to count, small enough to stay in the CPU's cache), the next one is already
/// being downloaded. The two chunk buffers come from the shared pool and go back to it when the read
/// ahead has ended.
/// </summary>
internal sealed class DownloadStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly TimeSpan _readTimeout;
    private readonly string _description;
    private const int ChunkSize = 256 * 1024;
    private readonly CancellationTokenSource _lifetime = new();
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private byte[] _spare = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private Task<int>? _prefetch;
    private int _start;
    private int _end;
    private int _disposed;
    private long _received;

    public DownloadStream(Stream inner, TimeSpan readTimeout, string description)
    {
        _inner = inner;
        _readTimeout = readTimeout;
        _description = description;
    }

    /// <summary>Gets the first error reading the body raised, or <see langword="null"/>.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>
    /// Gets the most bytes the body may have: past them reading stops with <see cref="Overrun"/>, so an object padded
    /// behind its message (packets a decoder skips, data after the end) cannot keep the receiver downloading.
    /// </summary>
    public long MaxBytes { get; init; } = long.MaxValue;

    /// <summary>Gets the error raised when the body ran past <see cref="MaxBytes"/>, or <see langword="null"/>.</summary>
    public IntegrityException? Overrun { get; private set; }

    /// <summary>The error for a request or read that brought nothing within <paramref name="timeout"/>.</summary>
    public static IOException Stalled(string description, TimeSpan timeout) => new(
        string.Create(CultureInfo.InvariantCulture, $"{description}: no data arrived for {timeout.TotalSeconds:0.###} s; the connection is abandoned as stalled (ReceiveClientOptions.ReadTimeout)."),
        new TimeoutException());

    protected override int ReadCore(Span<byte> buffer)
    {
        if (_start < _end)
        {
            var count = Math.Min(buffer.Length, _end - _start);
            _buffer.AsSpan(_start, count).CopyTo(buffer);
            _start += count;
            return count;
        }

        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var read = ReadCoreAsync(rented.AsMemory(0, buffer.Length), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        // Decoders read headers a few bytes at a time: serve those from the chunk instead of one request each.
        if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        var count = Math.Min(buffer.Length, _end - _start);
        _buffer.AsMemory(_start, count).CopyTo(buffer);
        _start += count;
        return count;
    }

    /// <summary>Takes the chunk read ahead (or reads one), then starts reading the next while the caller decrypts this one.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        // Disposed, the buffers are back in the pool (or about to be).
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        int read;
        if (_prefetch is { } pending)
        {
            _prefetch = null;
            read = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            (_buffer, _spare) = (_spare, _buffer);
        }
        else
        {
            read = await ReadInnerAsync(_buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false);
        }

        _start = 0;
        _end = read;
        _received += read;
        if (_received > MaxBytes)
        {
            _end = 0;
            throw Overrun = new IntegrityException(string.Create(
                CultureInfo.InvariantCulture,
                $"{_description}: the object runs past {MaxBytes} bytes, more than an encrypted message of the size its manifest entry lists can take; it is refused rather than read further (the object was replaced or padded). Ask the sender to share it again."));
        }

        if (read > 0)
        {
            _prefetch = ReadInnerAsync(_spare.AsMemory(0, ChunkSize), _lifetime.Token).AsTask();
        }

        return read > 0;
    }

    private async ValueTask<int> ReadInnerAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_readTimeout);
        var read = _inner.ReadAsync(buffer, timeout.Token).AsTask();
        try
        {
            return await read.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not every stream under the SDK's honours the token: closing the body aborts the connection for sure.
            _ = read.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            Abort();
            throw Record(Stalled(_description, _readTimeout));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A read that fails because the body was closed under it (the decryptor is done) is not the store's fault.
            if (Volatile.Read(ref _disposed) == 0)
            {
                Record(ex);
            }

            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            StopPrefetch();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            StopPrefetch();
            await _inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void StopPrefetch()
    {
        _lifetime.Cancel();
        var (buffer, spare) = (_buffer, _spare);
        if (_prefetch is { IsCompleted: false } pending)
        {
            // A read still running may yet write into its buffer: the buffers go back to the pool only when it has ended.
            pending.ContinueWith(
                t =>
                {
                    _ = t.Exception;
                    ArrayPool<byte>.Shared.Return(buffer);
                    ArrayPool<byte>.Shared.Return(spare);
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        else
        {
            _ = _prefetch?.Exception;
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(spare);
        }

        _prefetch = null;
        (_buffer, _spare) = ([], []);
        _start = _end = 0;
        _lifetime.Dispose();
    }

    private void Abort()
    {
        try
        {
            Interlocked.Exchange(ref _disposed, 1);
            _inner.Dispose();
        }
        catch (Exception ex) when (ex is IOException or Amazon.Runtime.AmazonClientException or ObjectDisposedException or InvalidOperationException)
        {
            // Closing a stalled connection may complain; the stall is what gets reported.
        }
    }

    private Exception Record(Exception error)
    {
        Fault ??= error;
        return error;
    }
}
