using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>
/// Partial body length framing (RFC 4880 section 4.2.2.4) does not depend on how the body is written: pieces of any
/// size, as arrays or spans, larger or smaller than a chunk, give the same bytes as the framing built by hand.
/// </summary>
[TestFixture]
public sealed class PartialLengthWriteStreamTests
{
    private const int Tag = 11;
    private const int Chunk = 1024;

    [Test]
    public void Write_RandomPieces_SameFramingAsTheStandardDescribes(
        [Values(0, 1, Chunk - 1, Chunk, Chunk + 1, 2 * Chunk, (5 * Chunk) + 3, 40_000)] int length, [Values(1, 2, 3)] int seed)
    {
        var body = new byte[length];
        new Random(length).NextBytes(body);
        var random = new Random(seed);

        using var output = new MemoryStream();
        var packet = new PartialLengthWriteStream(output, Tag, Chunk);
        for (var offset = 0; offset < length;)
        {
            // Pieces from one byte to several chunks, so some start inside a chunk and some carry whole chunks.
            var count = Math.Min(length - offset, 1 + random.Next(4 * Chunk));
            if (random.Next(2) == 0)
            {
                packet.Write(body, offset, count);
            }
            else
            {
                packet.Write(body.AsSpan(offset, count));
            }

            offset += count;
        }

        packet.Complete();

        Assert.That(output.ToArray(), Is.EqualTo(Expected(body)));
    }

    /// <summary>
    /// The chunk buffer is pooled: it goes back at Complete, after which the packet takes no more bytes, and a disposal
    /// before Complete ends the packet where it stands without writing anything (the message is then abandoned).
    /// </summary>
    [Test]
    public void CompleteThenWrite_Refused_DisposeWritesNothing()
    {
        using var output = new MemoryStream();
        using (var packet = new PartialLengthWriteStream(output, Tag, Chunk))
        {
            packet.Write([1, 2, 3]);
            packet.Complete();
            Assert.That(() => packet.Write([4]), Throws.TypeOf<ObjectDisposedException>());
        }

        using var abandoned = new MemoryStream();
        var unfinished = new PartialLengthWriteStream(abandoned, Tag, Chunk);
        unfinished.Write(new byte[Chunk + 10]);
        unfinished.Dispose();
        unfinished.Dispose();

        Assert.That(output.ToArray(), Is.EqualTo(new byte[] { 0xC0 | Tag, 3, 1, 2, 3 }));
        Assert.That(abandoned.ToArray(), Is.EqualTo(Expected(new byte[Chunk + 10]).Take(2 + Chunk).ToArray()), "only the full chunk went out");
        Assert.That(() => unfinished.Complete(), Throws.TypeOf<ObjectDisposedException>());
    }

    /// <summary>Every chunk but the last with a partial length (0xE0 | log2 of 1024), the last (1 to 1024 bytes, or none) with a definite length.</summary>
    private static byte[] Expected(byte[] body)
    {
        var expected = new List<byte> { 0xC0 | Tag };
        var offset = 0;
        while (body.Length - offset > Chunk)
        {
            expected.Add(0xE0 | 10);
            expected.AddRange(body.AsSpan(offset, Chunk).ToArray());
            offset += Chunk;
        }

        var last = body.Length - offset;
        if (last < 192)
        {
            expected.Add((byte)last);
        }
        else
        {
            expected.Add((byte)(((last - 192) >> 8) + 192));
            expected.Add((byte)((last - 192) & 0xFF));
        }

        expected.AddRange(body.AsSpan(offset).ToArray());
        return [.. expected];
    }
}
