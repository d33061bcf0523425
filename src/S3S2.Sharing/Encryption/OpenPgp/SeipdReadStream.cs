using System.Buffers;
using System.Security.Cryptography;
using S3S2.Sharing.IO;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Decrypts a symmetrically encrypted integrity protected data packet (RFC 4880 sections 5.13 and 5.14, version 1)
/// with .NET's AES (CFB, 128-bit feedback, zero IV) and SHA-1. Plaintext is released as it is decrypted, always
/// holding back the last 22 bytes (where the modification detection code may be); the end of the stream is
/// reported only after the MDC has verified, so a reader that reaches the end without an exception has read
/// exactly what was encrypted. A failed check or a truncated packet throws <see cref="MalformedMessageException"/>.
/// </summary>
internal sealed class SeipdReadStream : ReadOnlyStream
{
    private const int BlockSize = 16;
    private const int PrefixLength = BlockSize + 2;
    private const int MdcLength = 22;

    /// <summary>
    /// How much ciphertext is decrypted at a time: 1 MiB less 64 bytes, a whole number of blocks, so that each buffer
    /// (a chunk and the block before it, or a chunk, the held-back MDC and a block) stays in the shared pool's 1 MiB
    /// bucket. Each chunk passes between three threads (the decryption, the MDC's SHA-1, the output's write): at
    /// 256 KiB the hand-offs cost a 512 MiB decrypt about a tenth of its time (docs/performance.md).
    /// </summary>
    internal const int ChunkSize = (1024 * 1024) - 64;

    private readonly Stream _body;
    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly IncrementalHash _mdc = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);

    // Pooled: a receive of many small files would otherwise put the chunk buffers of each file on the large-object heap.
    private readonly byte[] _cipher = ArrayPool<byte>.Shared.Rent(BlockSize + ChunkSize);
    private readonly byte[] _plainA = ArrayPool<byte>.Shared.Rent(MdcLength + ChunkSize + BlockSize);
    private readonly byte[] _plainB = ArrayPool<byte>.Shared.Rent(MdcLength + ChunkSize + BlockSize);
    private byte[] _plain;
    private readonly byte[] _version = new byte[1];
    private Task _hashing = Task.CompletedTask;
    private int _position;
    private int _released;
    private int _decrypted;
    private bool _versionRead;
    private bool _prefixChecked;
    private bool _verified;

    /// <summary>How far either plaintext buffer was ever written: what is cleared before they go back to the pool.</summary>
    private int _plainFilled;
    private bool _disposed;

    public SeipdReadStream(Stream body, ReadOnlySpan<byte> sessionKey)
    {
        _body = body;
        _aes = Aes.Create();
        _aes.Key = sessionKey.ToArray();

        // A transform rather than Aes.EncryptEcb, which first copies its whole input into the output.
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
        _plain = _plainA;

        // The first block is the previous ciphertext block of the first chunk: the zero IV (a pooled array holds anything).
        _cipher.AsSpan(0, BlockSize).Clear();
    }

    protected override int ReadCore(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_position == _released && !_verified)
        {
            if (!_versionRead)
            {
                CheckVersion(_body.Read(_version), _version[0]);
            }

            Decrypt(_body.ReadAtLeast(_cipher.AsSpan(BlockSize, ChunkSize), ChunkSize, throwOnEndOfStream: false));
        }

        return Copy(buffer);
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_position == _released && !_verified)
        {
            if (!_versionRead)
            {
                await ReadVersionAsync(cancellationToken).ConfigureAwait(false);
            }

            Decrypt(await _body.ReadAtLeastAsync(_cipher.AsMemory(BlockSize, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false));
        }

        return Copy(buffer.Span);
    }

    private async ValueTask ReadVersionAsync(CancellationToken cancellationToken) =>
        CheckVersion(await _body.ReadAsync(_version, cancellationToken).ConfigureAwait(false), _version[0]);

    private void CheckVersion(int read, byte version)
    {
        if (read == 0 || version != 1)
        {
            throw new MalformedMessageException("has an integrity-protected data packet that is empty or not version 1");
        }

        _versionRead = true;
    }

    private int Copy(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _released - _position);
        _plain.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    /// <summary>Decrypts the next <paramref name="count"/> ciphertext bytes (a whole chunk, or fewer at the end).</summary>
    private void Decrypt(int count)
    {
        var end = count < ChunkSize;

        // The plaintext alternates between two buffers, so this chunk is decrypted while the previous one's hash still
        // reads the other; the buffer written now was hashed two chunks ago, and that hash was awaited in the last call.
        // The bytes held back from the last chunk (the possible MDC) move to the front.
        var previous = _plain;
        _plain = ReferenceEquals(previous, _plainA) ? _plainB : _plainA;
        var held = _decrypted - _released;
        previous.AsSpan(_released, held).CopyTo(_plain);
        _position = 0;
        _released = 0;
        _decrypted = held;

        // CFB decryption is P[i] = C[i] xor AES(C[i-1]), with C[-1] the zero IV: the AES inputs are all known, so one
        // ECB call over the ciphertext shifted by a block (the previous chunk's last block sits in front) computes
        // every keystream block in parallel, which OpenSSL's serial CFB does not.
        if (count > 0)
        {
            var blocks = (count + BlockSize - 1) / BlockSize;
            _plainFilled = Math.Max(_plainFilled, _decrypted + (blocks * BlockSize));
            _ecb.TransformBlock(_cipher, 0, blocks * BlockSize, _plain, _decrypted);
            CfbXor.Apply(_plain.AsSpan(_decrypted, count), _cipher.AsSpan(BlockSize, count));
            _cipher.AsSpan(count, BlockSize).CopyTo(_cipher);
            _decrypted += count;
        }

        // The MDC hashes the chunks in order: the previous chunk's hash ends before this one's is added.
        _hashing.GetAwaiter().GetResult();
        var start = 0;
        if (!_prefixChecked)
        {
            if (_decrypted < PrefixLength + MdcLength)
            {
                throw new MalformedMessageException("is truncated: its encrypted data is shorter than the random prefix and the MDC");
            }

            // The prefix's last two bytes repeat the two before them; a mismatch means a wrong session key or corrupt data.
            if (_plain[BlockSize - 2] != _plain[BlockSize] || _plain[BlockSize - 1] != _plain[BlockSize + 1])
            {
                throw new MalformedMessageException("failed the session key check (the random prefix does not repeat): it was modified or is corrupt");
            }

            _mdc.AppendData(_plain.AsSpan(0, PrefixLength));
            _prefixChecked = true;
            start = PrefixLength;
        }

        if (!end)
        {
            // The MDC's SHA-1 runs on another core while the reader takes this chunk's plaintext.
            // The buffer is captured: the field points to the other one by the time a late task starts.
            var (plain, offset, length) = (_plain, start, _decrypted - MdcLength - start);
            _hashing = Task.Run(() => _mdc.AppendData(plain, offset, length));
            _position = start;
            _released = _decrypted - MdcLength;
            return;
        }

        if (_decrypted - start < MdcLength)
        {
            throw new MalformedMessageException("is truncated: it ends before its modification detection code");
        }

        var mdc = _plain.AsSpan(_decrypted - MdcLength, MdcLength);
        _mdc.AppendData(_plain.AsSpan(start, _decrypted - MdcLength - start + 2));
        Span<byte> digest = stackalloc byte[20];
        _mdc.GetHashAndReset(digest);
        if (mdc[0] != (0xC0 | OpenPgpPackets.TagModificationDetectionCode) || mdc[1] != 20 || !CryptographicOperations.FixedTimeEquals(digest, mdc[2..]))
        {
            throw new MalformedMessageException("failed the integrity check (MDC mismatch): it was modified or is corrupt");
        }

        _position = start;
        _released = _decrypted - MdcLength;
        _verified = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;

            // A hash still running on the buffers must end before they and the hash are released.
            ((IAsyncResult)_hashing).AsyncWaitHandle.WaitOne();
            _ecb.Dispose();
            _aes.Dispose();
            _mdc.Dispose();
            ArrayPool<byte>.Shared.Return(_cipher);

            // The plaintext may be the caller's secret: pooled buffers go back cleared.
            PlaintextBuffers.Return(_plainA, _plainFilled);
            PlaintextBuffers.Return(_plainB, _plainFilled);
        }

        base.Dispose(disposing);
    }
}
