using System.Buffers;
using System.Security.Cryptography;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>
/// The data layer's encryption computes the CFB keystream with AES-CBC, a run of blocks at a time. A property test
/// against .NET's own CFB: for lengths around the block and run boundaries, written in random pieces (some leaving a
/// part block behind), the packet decrypts with
/// <see cref="SymmetricAlgorithm.DecryptCfb(ReadOnlySpan{byte}, ReadOnlySpan{byte}, PaddingMode, int)"/> to the random
/// prefix with its repeated two bytes, the plaintext and a matching MDC. The encryption also writes into a buffer from
/// the shared pool (a share of many small files would otherwise allocate a large array per message). A pooled array
/// returned twice would be handed to two renters at once, so a second disposal must not return it again, and a
/// disposed stream takes no more bytes.
/// </summary>
[TestFixture]
public sealed class SeipdWriteStreamTests
{
    private const int BlockSize = 16;
    private const int PrefixLength = BlockSize + 2;
    private const int MdcLength = 22;
    private const int Run = (256 * 1024) - BlockSize;

    private static readonly int[] Lengths =
    [
        0, 1, 13, 14, 15, 16, 17, 1000,
        Run - PrefixLength - 1, Run - PrefixLength, Run - PrefixLength + 1, Run, Run + 1, (2 * Run) - PrefixLength, (3 * Run) + 7,
    ];

    private static IEnumerable<int> Cases() => Lengths.Concat(Enumerable.Range(0, 8).Select(i => new Random(200 + i).Next(4 * Run)));

    [TestCaseSource(nameof(Cases))]
    public async Task Write_RandomPieces_DecryptsWithDotNetCfbToPrefixPlaintextAndMdc(int length)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var plaintext = new byte[length];
        new Random(length).NextBytes(plaintext);

        using var packet = new MemoryStream();
        using (var stream = new SeipdWriteStream(packet, key, 64 * 1024))
        {
            var random = new Random(length + 1);
            for (var offset = 0; offset < length;)
            {
                // From one byte to more than a run, so pieces start and end inside blocks and runs.
                var count = Math.Min(length - offset, random.Next(4) == 0 ? 1 + random.Next(2 * Run) : 1 + random.Next(40));
                stream.Write(plaintext.AsSpan(offset, count));
                offset += count;
            }

            stream.Complete();
        }

        var (tag, ciphertext) = await ReadPacketAsync(packet);
        Assert.That(tag, Is.EqualTo(OpenPgpPackets.TagEncryptedWithIntegrity));
        Assert.That(ciphertext[0], Is.EqualTo(1), "version 1");
        Assert.That(ciphertext, Has.Length.EqualTo(1 + PrefixLength + length + MdcLength));

        var inner = DotNetCfb.Decrypt(key, ciphertext.AsSpan(1));
        Assert.That(inner[BlockSize..PrefixLength], Is.EqualTo(inner[(BlockSize - 2)..BlockSize]), "the prefix repeats its last two bytes");
        Assert.That(inner[PrefixLength..^MdcLength], Is.EqualTo(plaintext));
        Assert.That(inner[^MdcLength..^20], Is.EqualTo(new byte[] { 0xD3, 0x14 }));
        using var mdc = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        mdc.AppendData(inner.AsSpan(0, inner.Length - 20));
        Assert.That(inner[^20..], Is.EqualTo(mdc.GetHashAndReset()));
    }

    /// <summary>
    /// The CBC runs leave the keystream of the block after each run in the pooled output buffer; with the ciphertext,
    /// which is public, a keystream block gives that block's plaintext. The buffer goes back to the shared pool holding
    /// no keystream block.
    /// </summary>
    [TestCase(1000)]
    [TestCase((3 * Run) + 7)]
    public async Task Dispose_PooledBufferHoldsNoKeystream(int length)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var plaintext = RandomNumberGenerator.GetBytes(length);
        using var packet = new MemoryStream();
        using (var stream = new SeipdWriteStream(packet, key, 64 * 1024))
        {
            stream.Write(plaintext);
            stream.Complete();
        }

        // Rented on this thread right after the return: the pool hands back that array first.
        var rented = Enumerable.Range(0, 4).Select(_ => ArrayPool<byte>.Shared.Rent(256 * 1024)).ToArray();
        try
        {
            var ciphertext = (await ReadPacketAsync(packet)).Body.AsSpan(1);

            // Every keystream block: AES of the zero IV, then of each whole ciphertext block.
            using var aes = Aes.Create();
            aes.Key = key;
            var blocks = ciphertext.Length / BlockSize;
            var feedback = new byte[(blocks + 1) * BlockSize];
            ciphertext[..(blocks * BlockSize)].CopyTo(feedback.AsSpan(BlockSize));
            var keystream = aes.EncryptEcb(feedback, PaddingMode.None);
            var keystreamBlocks = Enumerable.Range(0, blocks + 1).Select(i => Convert.ToHexString(keystream, i * BlockSize, BlockSize)).ToHashSet();

            foreach (var array in rented)
            {
                var found = Enumerable.Range(0, array.Length / BlockSize).Count(i => keystreamBlocks.Contains(Convert.ToHexString(array, i * BlockSize, BlockSize)));
                Assert.That(found, Is.Zero, "keystream blocks left in a pooled buffer");
            }
        }
        finally
        {
            foreach (var array in rented)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    [Test]
    public void Dispose_Twice_ReturnsItsBufferOnce()
    {
        var stream = new SeipdWriteStream(new MemoryStream(), RandomNumberGenerator.GetBytes(32), 1024);
        stream.Write(new byte[1000]);
        stream.Dispose();
        stream.Dispose();

        // A buffer returned twice sits twice in the pool (the thread's slot or this core's stack): some of the next
        // rents of its size would get the same array.
        var rented = Enumerable.Range(0, 8).Select(_ => ArrayPool<byte>.Shared.Rent(256 * 1024)).ToArray();
        try
        {
            Assert.That(rented.Distinct(ReferenceEqualityComparer.Instance).Count(), Is.EqualTo(rented.Length));
            Assert.That(() => stream.Write(new byte[1]), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => stream.Complete(), Throws.TypeOf<ObjectDisposedException>());
        }
        finally
        {
            foreach (var array in rented)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    /// <summary>The tag and the whole body (partial lengths joined) of the one packet written to <paramref name="packet"/>.</summary>
    private static async Task<(int Tag, byte[] Body)> ReadPacketAsync(MemoryStream packet)
    {
        packet.Position = 0;
        var header = await OpenPgpPacketHeader.ReadAsync(packet, CancellationToken.None) ?? throw new AssertionException("no packet was written");
        using var body = new MemoryStream();
        await new PacketBodyReadStream(packet, header).CopyToAsync(body);
        return (header.Tag, body.ToArray());
    }
}
