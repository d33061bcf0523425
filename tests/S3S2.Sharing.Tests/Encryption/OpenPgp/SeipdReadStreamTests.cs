using System.Security.Cryptography;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>
/// The data layer's decryption computes the CFB keystream of a whole chunk at once (AES-ECB over the previous
/// ciphertext blocks). A property test against .NET's own CFB: for random lengths around the chunk and block
/// boundaries, read in random piece sizes from a source that returns short reads, the plaintext released equals what
/// <see cref="SymmetricAlgorithm.DecryptCfb(ReadOnlySpan{byte}, ReadOnlySpan{byte}, PaddingMode, int)"/> gives for the
/// same ciphertext, and a changed ciphertext byte is refused.
/// </summary>
[TestFixture]
public sealed class SeipdReadStreamTests
{
    private const int BlockSize = 16;
    private const int PrefixLength = BlockSize + 2;
    private const int MdcLength = 22;
    private const int Chunk = SeipdReadStream.ChunkSize;

    private static readonly int[] Lengths =
    [
        0, 1, 15, 16, 17, 31, 32, 33, 1000,
        Chunk - PrefixLength - MdcLength - 1, Chunk - PrefixLength - MdcLength, Chunk - PrefixLength - MdcLength + 1,
        Chunk - PrefixLength - 1, Chunk - PrefixLength, Chunk - PrefixLength + 1, Chunk - 1, Chunk, Chunk + 1,
        (2 * Chunk) - PrefixLength - MdcLength, (2 * Chunk) + 7,
    ];

    private static IEnumerable<int> Cases() => Lengths.Concat(Enumerable.Range(0, 12).Select(i => new Random(100 + i).Next(3 * Chunk)));

    [TestCaseSource(nameof(Cases))]
    public async Task ReadAsync_RandomPieces_SameBytesAsDotNetCfbDecryption(int length)
    {
        var (key, plaintext, body) = Message(length, seed: length);
        var expected = DotNetCfb.Decrypt(key, body.AsSpan(1))[PrefixLength..^MdcLength];

        using var stream = new SeipdReadStream(new ShortReadStream(body, seed: length, maxRead: 70_000), key);
        var read = await ReadAllAsync(stream, new Random(length + 1));

        Assert.That(expected, Is.EqualTo(plaintext), "the reference decryption recovers the plaintext");
        Assert.That(read, Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Cases))]
    public void Read_RandomPieces_SameBytesAsDotNetCfbDecryption(int length)
    {
        var (key, _, body) = Message(length, seed: length + 7);
        var expected = DotNetCfb.Decrypt(key, body.AsSpan(1))[PrefixLength..^MdcLength];

        using var stream = new SeipdReadStream(new ShortReadStream(body, seed: length, maxRead: 70_000), key);
        var random = new Random(length + 2);
        using var output = new MemoryStream();
        var buffer = new byte[100_000];
        int n;
        while ((n = stream.Read(buffer, 0, 1 + random.Next(buffer.Length))) > 0)
        {
            output.Write(buffer, 0, n);
        }

        Assert.That(output.ToArray(), Is.EqualTo(expected));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(Chunk + 5)]
    public async Task ReadAsync_OneCiphertextByteChanged_RefusedWithoutReachingTheEnd(int length)
    {
        var (key, _, body) = Message(length, seed: 3);
        var random = new Random(length);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var tampered = (byte[])body.Clone();
            tampered[1 + random.Next(tampered.Length - 1)] ^= (byte)(1 + random.Next(255));

            // Awaited: NUnit's ThrowsAsync checks only when its task is awaited.
            await Assert.ThrowsAsync<MalformedMessageException>(async () =>
            {
                using var stream = new SeipdReadStream(new ShortReadStream(tampered, seed: attempt, maxRead: 70_000), key);
                await ReadAllAsync(stream, random);
            });
        }
    }

    [TestCase(1000)]
    [TestCase((2 * Chunk) + 7)]
    public async Task ReadAsync_SharedPoolHoldsDirtyBuffers_SameBytesAsDotNetCfbDecryption(int length)
    {
        var (key, _, body) = Message(length, seed: 11);
        var expected = DotNetCfb.Decrypt(key, body.AsSpan(1))[PrefixLength..^MdcLength];

        // The chunk buffers come from the shared pool: arrays handed back dirty must not leak into the IV or the output.
        var dirty = Enumerable.Range(0, 4).Select(_ => System.Buffers.ArrayPool<byte>.Shared.Rent(Chunk + 64)).ToList();
        foreach (var array in dirty)
        {
            array.AsSpan().Fill(0xA5);
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
        }

        using var stream = new SeipdReadStream(new ShortReadStream(body, seed: 5, maxRead: 3 * Chunk), key);
        var read = await ReadAllAsync(stream, new Random(6));

        Assert.That(read, Is.EqualTo(expected));
    }

    [Test]
    public async Task ReadAsync_AfterDispose_ThrowsObjectDisposedAndASecondDisposeIsHarmless()
    {
        var (key, _, body) = Message(Chunk + 5, seed: 9);
        var stream = new SeipdReadStream(new MemoryStream(body), key);
        Assert.That(await stream.ReadAsync(new byte[100]), Is.EqualTo(100));

        stream.Dispose();
        stream.Dispose();

        // Its chunk buffers went back to the shared pool: reading on must not touch them.
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await stream.ReadExactlyAsync(new byte[100]));
        Assert.Throws<ObjectDisposedException>(() => stream.ReadExactly(new byte[1]));
    }

    /// <summary>
    /// A version 1 SEIPD body (RFC 4880 section 5.13) built with .NET's one-shot CFB encryption, independently of the
    /// library's writer: random prefix with its repeated two bytes, the plaintext, the MDC packet over both.
    /// </summary>
    private static (byte[] Key, byte[] Plaintext, byte[] Body) Message(int length, int seed)
    {
        var random = new Random(seed);
        var key = new byte[32];
        random.NextBytes(key);
        var plaintext = new byte[length];
        random.NextBytes(plaintext);

        var inner = new byte[PrefixLength + length + MdcLength];
        random.NextBytes(inner.AsSpan(0, BlockSize));
        inner[BlockSize] = inner[BlockSize - 2];
        inner[BlockSize + 1] = inner[BlockSize - 1];
        plaintext.CopyTo(inner, PrefixLength);
        inner[PrefixLength + length] = 0xD3;
        inner[PrefixLength + length + 1] = 0x14;
        using (var mdc = IncrementalHash.CreateHash(HashAlgorithmName.SHA1))
        {
            mdc.AppendData(inner.AsSpan(0, PrefixLength + length + 2));
            mdc.GetHashAndReset(inner.AsSpan(PrefixLength + length + 2));
        }

        return (key, plaintext, [1, .. DotNetCfb.Encrypt(key, inner)]);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, Random random)
    {
        using var output = new MemoryStream();
        var buffer = new byte[100_000];
        int n;
        while ((n = await stream.ReadAsync(buffer.AsMemory(0, 1 + random.Next(buffer.Length)))) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }
}
