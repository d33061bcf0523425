using System.Security.Cryptography;
using System.Text;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>
/// Remembers the data keys KMS decrypted, so the messages of a share (which share one encrypted data key) cost one
/// KMS Decrypt. Keyed on everything KMS binds the answer to: the encrypted data keys (provider, key ARN, ciphertext)
/// and the full encryption context; so a hit returns exactly what KMS would. Bounded in entries and age; entries are
/// erased when evicted. Each message is still checked on its own (expected context before the lookup, key commitment
/// and header tag after).
/// </summary>
internal sealed class KmsDecryptedKeyCache(TimeProvider time) : IDisposable
{
    /// <summary>Distinct encrypted data keys held at once.</summary>
    public const int Capacity = 64;

    /// <summary>How long a decrypted data key is kept after KMS returned it.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly object _lock = new();
    private readonly Dictionary<string, (DateTimeOffset Created, Task<byte[]> DataKey)> _entries = new(StringComparer.Ordinal);

    /// <summary>The cache key of a message's candidates and context.</summary>
    public static string KeyOf(IEnumerable<EsdkEncryptedDataKey> candidates, IReadOnlyDictionary<string, string> context)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var candidate in candidates)
        {
            Append(hash, Encoding.UTF8.GetBytes(candidate.ProviderId));
            Append(hash, Encoding.UTF8.GetBytes(candidate.ProviderInfo));
            Append(hash, candidate.Ciphertext);
        }

        Append(hash, EsdkFormat.SerializeContext(context));
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>A copy of the data key for <paramref name="key"/> (the caller erases it), decrypting it with <paramref name="decrypt"/> when not held.</summary>
    public async Task<byte[]> GetAsync(string key, Func<CancellationToken, Task<byte[]>> decrypt, CancellationToken cancellationToken)
    {
        Task<byte[]> pending;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            foreach (var (old, entry) in _entries.Where(e => e.Value.DataKey.IsCompleted && now - e.Value.Created >= MaxAge).ToList())
            {
                Remove(old, entry.DataKey);
            }

            if (!_entries.TryGetValue(key, out var found))
            {
                if (_entries.Count >= Capacity && _entries.Where(e => e.Value.DataKey.IsCompleted).MinBy(e => e.Value.Created) is { Value.DataKey: not null } oldest)
                {
                    Remove(oldest.Key, oldest.Value.DataKey);
                }

                found = (now, decrypt(CancellationToken.None));
                _entries[key] = found;
            }

            pending = found.DataKey;
        }

        try
        {
            var dataKey = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                // Erased by an eviction between the await and here: decrypt again rather than hand out zeros.
                if (_entries.TryGetValue(key, out var current) && current.DataKey == pending)
                {
                    return (byte[])dataKey.Clone();
                }
            }

            return await GetAsync(key, decrypt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Refusals are not cached: KMS decides again for the next message.
            lock (_lock)
            {
                if (_entries.TryGetValue(key, out var current) && current.DataKey == pending)
                {
                    _entries.Remove(key);
                }
            }

            throw;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (key, entry) in _entries.ToList())
            {
                Remove(key, entry.DataKey);
            }
        }
    }

    private void Remove(string key, Task<byte[]> dataKey)
    {
        _entries.Remove(key);
        if (dataKey.IsCompletedSuccessfully)
        {
            CryptographicOperations.ZeroMemory(dataKey.Result);
        }
    }

    private static void Append(IncrementalHash hash, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
