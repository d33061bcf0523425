using System.Security.Cryptography;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>
/// The received plaintext's count and SHA-256: large pieces are hashed on another core while they are written, small
/// ones inline; either way the hash is of every byte in order, and a piece past the manifest's size is never written.
/// </summary>
[TestFixture]
public sealed class VerifyingWriteStreamTests
{
    private const int Large = VerifyingWriteStream.ParallelHashMinimum;

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public async Task WriteAsync_LargeAndSmallPiecesMixed_WritesEveryByteAndVerifiesAgainstSha256(int seed)
    {
        var random = new Random(seed);
        var content = new byte[(5 * Large) + random.Next(Large)];
        random.NextBytes(content);
        using var output = new MemoryStream();

        using (var stream = new VerifyingWriteStream(output, content.Length, "file 'a.csv'"))
        {
            // The pieces share one buffer, as the decryptor's do: a hash still reading it after a write returned would show.
            var buffer = new byte[2 * Large];
            for (var offset = 0; offset < content.Length;)
            {
                var count = Math.Min(content.Length - offset, random.Next(2) == 0 ? 1 + random.Next(Large - 1) : Large + random.Next(Large));
                content.AsSpan(offset, count).CopyTo(buffer);
                await stream.WriteAsync(buffer.AsMemory(0, count));
                buffer.AsSpan().Fill(0xEE);
                offset += count;
            }

            Assert.That(stream.BytesWritten, Is.EqualTo(content.Length));
            Assert.DoesNotThrow(() => stream.Verify(Convert.ToHexString(SHA256.HashData(content))));
            var other = (byte[])content.Clone();
            other[^1] ^= 1;
            Assert.Throws<IntegrityException>(() => stream.Verify(Convert.ToHexString(SHA256.HashData(other))));
        }

        Assert.That(output.ToArray(), Is.EqualTo(content));
    }

    [Test]
    public async Task WriteAsync_LargePiecePastTheManifestSize_RefusedBeforeAnyOfItIsWritten()
    {
        using var output = new MemoryStream();
        using var stream = new VerifyingWriteStream(output, (2 * Large) - 1, "file 'a.csv'");
        var piece = new byte[Large];

        await stream.WriteAsync(piece);
        var error = await Assert.ThrowsAsync<IntegrityException>(async () => await stream.WriteAsync(piece));

        Assert.That(error!.Message, Does.Contain("more than the " + ((2 * Large) - 1) + " bytes the manifest lists"));
        Assert.That(stream.Failure, Is.SameAs(error));
        Assert.That(output.Length, Is.EqualTo(Large), "the refused piece was not written");
        Assert.That(stream.BytesWritten, Is.EqualTo(Large));
    }

    [Test]
    public async Task WriteAsync_LargePieceAndTheWriteFails_ThrowsTheWriteErrorAndCountsNothing()
    {
        var output = new FailingWriteStream();
        using var stream = new VerifyingWriteStream(output, 4 * Large, "file 'a.csv'");

        var error = await Assert.ThrowsAsync<IOException>(async () => await stream.WriteAsync(new byte[Large]));

        Assert.That(error!.Message, Does.Contain("No space left"));
        Assert.That(output.WriteAttempts, Is.EqualTo(1));
        Assert.That(stream.BytesWritten, Is.Zero);
        Assert.That(() => stream.Verify(Convert.ToHexString(SHA256.HashData(new byte[Large]))), Throws.TypeOf<IntegrityException>());
    }
}
