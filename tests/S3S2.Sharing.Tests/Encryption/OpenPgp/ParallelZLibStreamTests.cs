using System.Buffers.Binary;
using System.IO.Compression;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>
/// The parallel zlib writer against .NET's own zlib: its output inflates to the same bytes, and its Adler-32 trailer is
/// the one <see cref="ZLibStream"/> writes for the whole input, at every block boundary and level.
/// </summary>
[TestFixture]
public sealed class ParallelZLibStreamTests
{
    private const int Block = 4096;

    [Test]
    public void Complete_SizesAroundBlockBoundaries_InflatesToTheInputWithZLibsAdler32(
        [Values(0, 1, Block - 1, Block, Block + 1, (7 * Block) + 13)] int size, [Values] bool compressible)
    {
        var input = compressible ? Csv(size) : TestData.Random(size, seed: size);

        var compressed = Compress(input, level: 5, Block);

        Assert.That(Inflate(compressed), Is.EqualTo(input));
        Assert.That(Adler32Of(compressed), Is.EqualTo(ZLibAdler32(input)));
    }

    [Test]
    public void Complete_EveryLevel_InflatesToTheInput([Range(1, 9)] int level)
    {
        var input = Csv((5 * Block) + 100);

        var compressed = Compress(input, level, Block);

        Assert.That(Inflate(compressed), Is.EqualTo(input));
        Assert.That(Adler32Of(compressed), Is.EqualTo(ZLibAdler32(input)));
    }

    [Test]
    public void Complete_ManyDefaultSizeBlocksOnOneWorker_InflatesToTheInput()
    {
        var input = Csv((3 * ParallelZLibStream.DefaultBlockSize) + 5);

        var compressed = Compress(input, level: 5, ParallelZLibStream.DefaultBlockSize, maxWorkers: 1);

        Assert.That(Inflate(compressed), Is.EqualTo(input));
        Assert.That(compressed.Length, Is.LessThan(input.Length / 2), "CSV compresses");
    }

    [Test]
    public void Complete_CsvInDefaultSizeBlocks_SizeWithinAPercentOfOneZLibStream()
    {
        var input = TestData.Csv(250_000);
        using var single = new MemoryStream();
        using (var zlib = new ZLibStream(single, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(input);
        }

        var compressed = Compress(input, level: 6, ParallelZLibStream.DefaultBlockSize);

        Assert.That(input.Length, Is.GreaterThan(4 * ParallelZLibStream.DefaultBlockSize));
        Assert.That(compressed.Length, Is.LessThan(single.Length * 1.01), "independent 1 MiB blocks cost little");
    }

    [Test]
    public void Complete_EmptyInput_IsAValidZLibStreamOfNothing()
    {
        var compressed = Compress([], level: 5, Block);

        Assert.That(Inflate(compressed), Is.Empty);
        Assert.That(compressed, Is.EqualTo(new byte[] { 0x78, 0x5E, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 }), "header of level 5, the final empty block, Adler-32 of nothing (1)");
    }

    [Test]
    public void Write_ManyBlocks_RunsGoOutBeforeCompleteWithAtMostTwoBlocksPerWorkerHeld()
    {
        var input = TestData.Random(40 * Block, seed: 40);
        using var output = new MemoryStream();
        using var zlib = new ParallelZLibStream(output, level: 5, Block, maxWorkers: 2);

        for (var offset = 0; offset < input.Length; offset += 1000)
        {
            zlib.Write(input, offset, Math.Min(1000, input.Length - offset));
        }

        // Random data is stored, so each run is at least its block: all but the blocks in flight must be out already.
        Assert.That(output.Length, Is.GreaterThanOrEqualTo((40 - (2 * 2)) * Block));
        zlib.Complete();
        Assert.That(Inflate(output.ToArray()), Is.EqualTo(input));
    }

    [Test]
    public void Dispose_WithoutComplete_WritesNoEnd()
    {
        var input = Csv(10 * Block);
        using var output = new MemoryStream();
        using (var zlib = new ParallelZLibStream(output, level: 5, Block))
        {
            zlib.Write(input);
        }

        Assert.That(output.Length, Is.LessThan(Compress(input, level: 5, Block).Length), "neither the last runs nor the final block and Adler-32 are written");
    }

    [Test]
    public void Complete_AfterDispose_ObjectDisposedException()
    {
        var zlib = new ParallelZLibStream(new MemoryStream(), level: 5, Block);
        zlib.Write([1, 2, 3]);
        zlib.Dispose();

        Assert.Throws<ObjectDisposedException>(zlib.Complete);
    }

    [Test]
    public void Write_AfterComplete_ObjectDisposedException()
    {
        using var zlib = new ParallelZLibStream(new MemoryStream(), level: 5, Block);
        zlib.Complete();

        Assert.Throws<ObjectDisposedException>(() => zlib.Write([1, 2, 3]));
    }

    [TestCase(0)]
    [TestCase(10)]
    public void Constructor_LevelOutOfRange_ArgumentOutOfRangeException(int level) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelZLibStream(new MemoryStream(), level));

    [Test]
    public void CombineAdler32_AnySplit_EqualsZLibsAdler32OfTheWhole([Values(0, 1, 5551, 65521, 100_000)] int split)
    {
        var input = TestData.Random(200_000, seed: 9);

        var combined = ParallelZLibStream.CombineAdler32(ZLibAdler32(input[..split]), ZLibAdler32(input[split..]), input.Length - split);

        Assert.That(combined, Is.EqualTo(ZLibAdler32(input)));
    }

    private static byte[] Compress(byte[] input, int level, int blockSize, int? maxWorkers = null)
    {
        using var output = new MemoryStream();
        using (var zlib = new ParallelZLibStream(output, level, blockSize, maxWorkers))
        {
            // Uneven writes, so blocks fill across writes.
            for (var offset = 0; offset < input.Length;)
            {
                var count = Math.Min(input.Length - offset, 1 + (offset % 3001));
                zlib.Write(input, offset, count);
                offset += count;
            }

            zlib.Complete();
        }

        return output.ToArray();
    }

    private static byte[] Inflate(byte[] compressed)
    {
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        return inflated.ToArray();
    }

    private static uint Adler32Of(byte[] zlibStream) => BinaryPrimitives.ReadUInt32BigEndian(zlibStream.AsSpan(zlibStream.Length - 4));

    /// <summary>The Adler-32 zlib itself computes: the trailer of <see cref="ZLibStream"/>'s output (1 for no input, which it writes nothing for).</summary>
    private static uint ZLibAdler32(byte[] input)
    {
        if (input.Length == 0)
        {
            return 1;
        }

        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(input);
        }

        return Adler32Of(output.ToArray());
    }

    private static byte[] Csv(int size)
    {
        var csv = TestData.Csv((size / 20) + 1);
        return csv[..size];
    }
}
