namespace S3S2.Sharing.Encryption.Kms;

/// <summary>
/// Reuses a data key from KMS across the messages of one encryption context, bounded like the AWS Encryption SDK's
/// caching materials manager: messages, plaintext bytes and age per data key, and a few contexts at a time. Messages
/// that start together wait for one KMS call rather than each making one. A data key is erased from memory when it
/// reaches a bound, is evicted or the cache is disposed.
/// </summary>
internal sealed class KmsDataKeyCache(long maxMessages, long maxBytes, TimeSpan maxAge, TimeProvider time) : IDisposable
{
    /// <summary>Contexts (shares) held at once; the least recently created is evicted first.</summary>
    private const int Capacity = 16;

    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Gets materials for one message under <paramref name="contextKey"/>, calling <paramref name="generate"/> when no usable data key is held.</summary>
    public async Task<Lease> AcquireAsync(string contextKey, Func<CancellationToken, Task<KmsEncryptionMaterials>> generate, CancellationToken cancellationToken)
    {
        while (true)
        {
            Entry entry;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                RetireSpent();
                if (!_entries.TryGetValue(contextKey, out entry!))
                {
                    EvictOldestIfFull();
                    entry = new Entry(time.GetUtcNow(), generate(CancellationToken.None));
                    _entries[contextKey] = entry;
                }
            }

            KmsEncryptionMaterials materials;
            try
            {
                materials = await entry.Materials.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A failed KMS call is not cached: the next message asks again.
                lock (_lock)
                {
                    if (_entries.TryGetValue(contextKey, out var current) && current == entry)
                    {
                        _entries.Remove(contextKey);
                    }
                }

                throw;
            }

            lock (_lock)
            {
                // Another message may have taken the last use, or the bounds were reached while this one waited.
                if (_entries.TryGetValue(contextKey, out var current) && current == entry && !entry.IsSpent(maxMessages, maxBytes, maxAge, time.GetUtcNow()))
                {
                    entry.Messages++;
                    var lease = new Lease(entry, materials.CopyDataKey(), materials.CreateSigner());
                    if (entry.IsSpent(maxMessages, maxBytes, maxAge, time.GetUtcNow()))
                    {
                        Retire(contextKey, entry);
                    }

                    return lease;
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var (key, entry) in _entries.ToList())
            {
                Retire(key, entry);
            }
        }
    }

    private void RetireSpent()
    {
        var now = time.GetUtcNow();
        foreach (var (key, entry) in _entries.Where(e => e.Value.Materials.IsCompletedSuccessfully && e.Value.IsSpent(maxMessages, maxBytes, maxAge, now)).ToList())
        {
            Retire(key, entry);
        }
    }

    private void EvictOldestIfFull()
    {
        if (_entries.Count < Capacity)
        {
            return;
        }

        var oldest = _entries.Where(e => e.Value.Materials.IsCompleted).MinBy(e => e.Value.Created);
        if (oldest.Value is not null)
        {
            Retire(oldest.Key, oldest.Value);
        }
    }

    private void Retire(string key, Entry entry)
    {
        _entries.Remove(key);
        if (entry.Materials.IsCompletedSuccessfully)
        {
            entry.Materials.Result.Erase();
        }
    }

    /// <summary>One data key's use so far.</summary>
    internal sealed class Entry(DateTimeOffset created, Task<KmsEncryptionMaterials> materials)
    {
        private long _bytes;

        public DateTimeOffset Created { get; } = created;

        public Task<KmsEncryptionMaterials> Materials { get; } = materials;

        public long Messages { get; set; }

        public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

        public bool IsSpent(long maxMessages, long maxBytes, TimeSpan maxAge, DateTimeOffset now) =>
            Messages >= maxMessages || Interlocked.Read(ref _bytes) >= maxBytes || now - Created >= maxAge;
    }

    /// <summary>One message's use of a data key: its own copy of the key and signer (taken before the key may be erased), and its byte count.</summary>
    internal sealed class Lease(Entry entry, byte[] dataKey, System.Security.Cryptography.ECDsa? signer) : IDisposable
    {
        public KmsEncryptionMaterials Materials => entry.Materials.Result;

        public byte[] DataKey { get; } = dataKey;

        public System.Security.Cryptography.ECDsa? Signer { get; } = signer;

        public void AddBytes(long count) => entry.AddBytes(count);

        public void Dispose()
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(DataKey);
            Signer?.Dispose();
        }
    }
}
