using System.Security.Cryptography;

namespace S3S2.Sharing.IO;

/// <summary>Reads through to a stream while computing the SHA-256 and length of what was read.</summary>
internal sealed class HashingReadStream(Stream inner, Action<long>? onRead = null) : ReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The SHA-256 of everything read, lower-case hex.</summary>
    public string HashHex() => Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();

    protected override int ReadCore(Span<byte> buffer) => Account(buffer[..inner.Read(buffer)]);

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..read]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Account(ReadOnlySpan<byte> read)
    {
        _hash.AppendData(read);
        onRead?.Invoke(BytesRead + read.Length);
        return read.Length;
    }
}
