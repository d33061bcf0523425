using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;

namespace S3S2.Sharing.IO;

/// <summary>
/// An incremental hash computed on its own thread, in order: the caller (a cipher that is serial, like CFB, or faster
/// than the hash, like GCM) hands its bytes over and goes on instead of adding the hash's time to its own. The bytes
/// are copied into pooled blocks (a copy costs a small fraction of hashing them, and the caller may reuse its buffer at
/// once); the caller waits only when <see cref="MaxQueuedBlocks"/> blocks are queued (the hash is behind) and at
/// <see cref="GetHashAndReset(Span{byte})"/>. The thread starts only once a whole block was appended, so a message shorter than a block
/// hashes on the caller's thread and costs no thread at all.
/// </summary>
internal sealed class BackgroundHash : IDisposable
{
    /// <summary>How many bytes are handed to the hashing thread at a time.</summary>
    internal const int BlockSize = 256 * 1024;

    /// <summary>Blocks waiting to be hashed before the caller waits: enough to ride out a hiccup of the other core.</summary>
    internal const int MaxQueuedBlocks = 4;

    private readonly IncrementalHash _hash;
    private readonly ConcurrentQueue<byte[]> _free = new();
    private BlockingCollection<(byte[] Block, int Length)>? _queue;
    private Task? _hashing;
    private ExceptionDispatchInfo? _failure;
    private byte[]? _block;
    private int _filled;
    private bool _disposed;

    public BackgroundHash(HashAlgorithmName algorithm)
    {
        _hash = IncrementalHash.CreateHash(algorithm);
    }

    /// <summary>Appends <paramref name="data"/>; the caller may reuse its buffer as soon as this returns.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!data.IsEmpty)
        {
            _block ??= _free.TryDequeue(out var free) ? free : ArrayPool<byte>.Shared.Rent(BlockSize);
            if (PooledBlocks.Fill(_block, BlockSize, ref _filled, ref data))
            {
                HandOver();
            }
        }
    }

    /// <summary>Waits for the hashing thread, if any, and writes the hash of everything appended; the hash then starts over.</summary>
    public int GetHashAndReset(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_queue is null)
        {
            if (_filled > 0)
            {
                _hash.AppendData(_block.AsSpan(0, _filled));
                CryptographicOperations.ZeroMemory(_block.AsSpan(0, _filled));
                _filled = 0;
            }
        }
        else
        {
            if (_filled > 0)
            {
                HandOver();
            }

            Join();
        }

        _failure?.Throw();
        return _hash.GetHashAndReset(destination);
    }

    /// <summary>Waits for the hashing thread, if any, and returns the hash of everything appended.</summary>
    public byte[] GetHashAndReset()
    {
        var hash = new byte[_hash.HashLengthInBytes];
        GetHashAndReset(hash);
        return hash;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // The thread must be done with the hash and the blocks before they are released.
        Join();

        // The blocks may hold the caller's plaintext (the MDC hashes it): they go back to the pool cleared.
        if (_block is not null)
        {
            PlaintextBuffers.Return(_block, _filled);
            _block = null;
        }

        while (_free.TryDequeue(out var free))
        {
            PlaintextBuffers.Return(free, BlockSize);
        }

        _hash.Dispose();
    }

    private void HandOver()
    {
        if (_queue is null)
        {
            _queue = new BlockingCollection<(byte[], int)>(new ConcurrentQueue<(byte[], int)>(), MaxQueuedBlocks);
            _hashing = Task.Factory.StartNew(HashQueued, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        _queue.Add((_block!, _filled));
        _block = null;
        _filled = 0;
    }

    private void HashQueued()
    {
        foreach (var (block, length) in _queue!.GetConsumingEnumerable())
        {
            try
            {
                if (_failure is null)
                {
                    _hash.AppendData(block.AsSpan(0, length));
                }
            }
            catch (Exception ex) when (ex is CryptographicException or ObjectDisposedException)
            {
                // Reported at GetHashAndReset; the queue is still drained so the caller never waits for a dead thread.
                _failure = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                _free.Enqueue(block);
            }
        }
    }

    private void Join()
    {
        if (_queue is null)
        {
            return;
        }

        _queue.CompleteAdding();
        _hashing!.GetAwaiter().GetResult();
        _queue.Dispose();
        _queue = null;
        _hashing = null;
    }
}
