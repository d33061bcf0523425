using System.Runtime.InteropServices;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// Writes through to a received file and, whenever another few megabytes have been written, has the
/// kernel put what is written so far on disk (<c>fdatasync(2)</c>) on another thread while decryption goes on. The
/// fsync before the file is moved into place, which the share's <c>.received</c> marker relies on, then finds only
/// the tail left to write: the disk works during the decryption instead of after it (about 1.5 s per 512 MiB here).
/// Early flushes are at least <see cref="DefaultInterval"/> bytes apart and never overlap.
/// </summary>
/// <remarks>
/// Durability does not depend on these early flushes: the file is still flushed to disk in full before it is moved
/// into place. Their errors are kept and reported by <see cref="ThrowIfFlushFailed"/>, because Linux reports a failed
/// writeback to one fsync only, and the final one might then succeed over lost data. Linux only (elsewhere this is a
/// plain pass-through).
/// </remarks>
internal sealed class FlushBehindFileStream : Stream
{
    /// <summary>How many bytes are written between two early flushes: large, so that each one's cost is spread thin.</summary>
    public const long DefaultInterval = 32 * 1024 * 1024;

    private static readonly bool Supported = OperatingSystem.IsLinux();

    private readonly FileStream _file;
    private readonly long _interval;
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _handle;
    private long _sinceFlush;
    private Task _flushing = Task.CompletedTask;
    private Exception? _flushError;
    private bool _unavailable;

    public FlushBehindFileStream(FileStream file, long interval = DefaultInterval)
    {
        _file = file;
        _interval = interval;
    }

    /// <summary>Gets the number of early flushes started (for tests).</summary>
    public int FlushesStarted { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _file.Write(buffer);
        Written(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Written(buffer.Length);
    }

    public override void Flush() => _file.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);

    /// <summary>Waits for the early flush still running; throws <see cref="IOException"/> when one failed.</summary>
    public async Task ThrowIfFlushFailedAsync()
    {
        await _flushing.ConfigureAwait(false);
        ThrowIfFlushFailed();
    }

    /// <summary>Throws <see cref="IOException"/> when an early flush that has ended failed.</summary>
    public void ThrowIfFlushFailed()
    {
        if (_flushError is { } error)
        {
            throw new IOException($"Writing '{_file.Name}' to disk failed ({error.Message}); the file is not kept. Check the disk and receive again.", error);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The flush uses the file's descriptor; it must end before the file (owned by the caller) is closed.
            ((IAsyncResult)_flushing).AsyncWaitHandle.WaitOne();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _flushing.ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Written(int count)
    {
        _sinceFlush += count;
        if (!Supported || _unavailable || _sinceFlush < _interval || !_flushing.IsCompleted)
        {
            return;
        }

        ThrowIfFlushFailed();

        // What the stream still buffers goes to the kernel first, so the flush covers every byte written so far.
        _file.Flush(flushToDisk: false);
        _sinceFlush = 0;
        FlushesStarted++;
        var handle = _handle ??= _file.SafeFileHandle;
        _flushing = Task.Run(() => FlushToDisk(handle));
    }

    private void FlushToDisk(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (FileDataSync((int)handle.DangerousGetHandle()) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                _flushError = new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true; // a C library without fdatasync: the final fsync does all the work, as before
        }
        catch (ObjectDisposedException)
        {
            // The file was closed meanwhile (an attempt given up): nothing of it is kept, so nothing needs flushing.
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // DllImport rather than LibraryImport: the generated stub would need unsafe code enabled for the whole library.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "fdatasync", ExactSpelling = true, SetLastError = true)]
    private static extern int FileDataSync(int fileDescriptor);
#pragma warning restore SYSLIB1054
}
