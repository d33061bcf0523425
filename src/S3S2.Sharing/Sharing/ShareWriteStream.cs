using System.Buffers;
using System.IO.Pipelines;

namespace S3S2.Sharing.Sharing;

/// <summary>
/// The writable file of a session: writes go into a bounded pipe whose other end the upload reads (hash, encrypt,
/// policy, upload). A write waits while the pipe is full; once the upload has stopped, every write throws the share's
/// failure, so a producer is released instead of blocked. Disposing ends the file and waits for its upload.
/// </summary>
internal sealed class ShareWriteStream : Stream
{
    private readonly PipeWriter _writer;
    private readonly Task _upload;
    private readonly Func<Exception> _failure;
    private readonly Action _closed;
    private long _written;
    private bool _disposed;

    public ShareWriteStream(PipeWriter writer, Task upload, Func<Exception> failure, Action closed)
    {
        _writer = writer;
        _upload = upload;
        _failure = failure;
        _closed = closed;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    // Synchronous writers (StreamWriter.Write, CsvHelper's sync API) block here while the upload catches up.
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_upload.IsCompleted)
        {
            throw _failure();
        }

        _writer.Write(buffer);
        FlushResult result;
        try
        {
            result = _writer.FlushAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (InvalidOperationException) when (_upload.IsCompleted)
        {
            throw _failure();
        }

        if (result.IsCompleted)
        {
            throw _failure();
        }

        _written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_upload.IsCompleted)
        {
            throw _failure();
        }

        FlushResult result;
        try
        {
            result = await _writer.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException) when (_upload.IsCompleted)
        {
            throw _failure();
        }

        if (result.IsCompleted)
        {
            throw _failure();
        }

        _written += buffer.Length;
    }

    public override void Flush()
    {
        // Bytes are handed over on every write; there is nothing buffered here to flush.
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
            await _upload.ConfigureAwait(false);
        }
        finally
        {
            _closed();
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }
}
