using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// Writes through to a received file and, whenever another few megabytes have been written, asks the kernel to start
/// writing them to disk (<c>sync_file_range(2)</c> with <c>SYNC_FILE_RANGE_WRITE</c>) without waiting for it, so the
/// disk works while decryption goes on. The fsync before the file is moved into place, which the share's
/// <c>.received</c> marker relies on, then finds little left to write.
/// </summary>
/// <remarks>
/// <para>
/// Why not an early <c>fdatasync</c> as before: each one waits for the disk and commits the file system's journal
/// (the file's size changed), so 16 of them per 512 MiB took 1.5 s here, more than one <c>fdatasync</c> of the whole
/// file (1.0 s); starting write-back per range and syncing once at the end took 0.9 s. Durability does not depend on
/// these calls at all: the file is still flushed to disk in full (fsync) before it is moved into place, and a failed
/// write-back is reported by that fsync (the kernel records it per open file; starting write-back does not consume it).
/// </para>
/// <para>
/// An error from the call itself (for instance <c>EIO</c>, <c>ENOSPC</c>) is kept and reported by
/// <see cref="ThrowIfFlushFailed"/>. Where the call is not supported (a C library without it, a kernel or sandbox
/// answering <c>ENOSYS</c>, a file that is not a regular one) early write-back is simply off and the final fsync does
/// all the work. Linux only (elsewhere this is a plain pass-through).
/// </para>
/// </remarks>
internal sealed class FlushBehindFileStream : Stream
{
    /// <summary>How many bytes are written between two starts of write-back: a few megabytes, so the disk starts early.</summary>
    public const long DefaultInterval = 8 * 1024 * 1024;

    private const int SyncFileRangeWrite = 2; // SYNC_FILE_RANGE_WRITE: start write-back of the range's dirty pages, do not wait
    private const int NotImplemented = 38; // ENOSYS
    private const int InvalidArgument = 22; // EINVAL: the file system does not support it
    private const int IllegalSeek = 29; // ESPIPE: not a regular file

    private static readonly bool Supported = OperatingSystem.IsLinux();

    private readonly FileStream _file;
    private readonly long _interval;
    private readonly Func<SafeFileHandle, long, long, int> _startWriteBack;
    private SafeFileHandle? _handle;
    private long _flushedTo;
    private long _written;
    private Task _flushing = Task.CompletedTask;
    private Exception? _flushError;
    private bool _unavailable;

    public FlushBehindFileStream(FileStream file, long interval = DefaultInterval)
        : this(file, interval, StartWriteBack)
    {
    }

    /// <summary>Initializes a new instance with the call that starts write-back of a range (tests pass one that fails).</summary>
    /// <param name="file">The received file, owned by the caller.</param>
    /// <param name="interval">How many bytes are written between two starts of write-back.</param>
    /// <param name="startWriteBack">Starts write-back of (offset, count) bytes of the file; returns 0 or an errno value.</param>
    internal FlushBehindFileStream(FileStream file, long interval, Func<SafeFileHandle, long, long, int> startWriteBack)
    {
        _file = file;
        _interval = interval;
        _startWriteBack = startWriteBack;
    }

    /// <summary>Gets the number of early write-backs started (for tests).</summary>
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

    /// <summary>Waits for the start of write-back still running; throws <see cref="IOException"/> when one failed.</summary>
    public async Task ThrowIfFlushFailedAsync()
    {
        await _flushing.ConfigureAwait(false);
        ThrowIfFlushFailed();
    }

    /// <summary>Throws <see cref="IOException"/> when a start of write-back that has ended failed.</summary>
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
        _written += count;
        if (!Supported || _unavailable || _written - _flushedTo < _interval || !_flushing.IsCompleted)
        {
            return;
        }

        ThrowIfFlushFailed();

        // What the stream still buffers goes to the kernel first, so the range covers every byte written so far.
        _file.Flush(flushToDisk: false);
        var offset = _flushedTo;
        var length = _written - offset;
        _flushedTo = _written;
        FlushesStarted++;
        var handle = _handle ??= _file.SafeFileHandle;

        // On another thread: the call returns once the pages are queued, but can wait for room in the disk's queue.
        _flushing = Task.Run(() => WriteBack(handle, offset, length));
    }

    private static int StartWriteBack(SafeFileHandle handle, long offset, long count) =>
        SyncFileRange((int)handle.DangerousGetHandle(), offset, count, SyncFileRangeWrite) == 0 ? 0 : Marshal.GetLastPInvokeError();

    private void WriteBack(SafeFileHandle handle, long offset, long count)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var errno = _startWriteBack(handle, offset, count);
            if (errno is NotImplemented or InvalidArgument or IllegalSeek)
            {
                _unavailable = true; // the final fsync does all the work, as it would anyway
            }
            else if (errno != 0)
            {
                _flushError = new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true; // a C library without sync_file_range: the final fsync does all the work
        }
        catch (ObjectDisposedException)
        {
            // The file was closed meanwhile (an attempt given up): nothing of it is kept, so nothing needs writing.
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
    // off64_t offsets: sync_file_range is 64-bit on every Linux the runtime supports.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "sync_file_range", ExactSpelling = true, SetLastError = true)]
    private static extern int SyncFileRange(int fileDescriptor, long offset, long count, uint flags);
#pragma warning restore SYSLIB1054
}
