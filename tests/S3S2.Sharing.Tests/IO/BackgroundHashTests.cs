using System.Security.Cryptography;
using S3S2.Sharing.IO;

namespace S3S2.Sharing.Tests.IO;

/// <summary>
/// The hash computed on another thread is the hash of exactly the bytes appended, in order, whatever the sizes of the
/// pieces, whether the message stays on the caller's thread (one block or less) or goes to the hashing thread, and even
/// when the caller reuses (overwrites) its buffer as soon as each append returns.
/// </summary>
[TestFixture]
public sealed class BackgroundHashTests
{
    private const int Block = BackgroundHash.BlockSize;

    [Test]
    public void GetHashAndReset_PiecesOfAnySize_SameAsOneShotHash(
        [Values(0, 1, Block - 1, Block, Block + 1, (3 * Block) + 5, (BackgroundHash.MaxQueuedBlocks + 3) * Block)] int length,
        [Values("SHA1", "SHA384")] string algorithm)
    {
        var name = new HashAlgorithmName(algorithm);
        var message = new byte[length];
        new Random(length).NextBytes(message);
        var random = new Random(7);
        var reused = new byte[2 * Block];

        using var hash = new BackgroundHash(name);
        for (var offset = 0; offset < length;)
        {
            // Pieces from one byte to two blocks, passed in one buffer that is scribbled over after every append.
            var count = Math.Min(length - offset, 1 + random.Next(2 * Block));
            message.AsSpan(offset, count).CopyTo(reused);
            hash.Append(reused.AsSpan(0, count));
            reused.AsSpan(0, count).Fill(0xA5);
            offset += count;
        }

        Assert.That(hash.GetHashAndReset(), Is.EqualTo(OneShot(name, message)));
    }

    [Test]
    public void GetHashAndReset_CalledTwice_SecondHashCoversOnlyTheBytesAfterTheFirst()
    {
        var first = RandomNumberGenerator.GetBytes((2 * Block) + 3);
        var second = RandomNumberGenerator.GetBytes(Block + 11);
        using var hash = new BackgroundHash(HashAlgorithmName.SHA256);

        hash.Append(first);
        var firstHash = hash.GetHashAndReset();
        hash.Append(second);
        var secondHash = hash.GetHashAndReset();

        Assert.Multiple(() =>
        {
            Assert.That(firstHash, Is.EqualTo(SHA256.HashData(first)));
            Assert.That(secondHash, Is.EqualTo(SHA256.HashData(second)));
        });
    }

    [Test]
    public void Dispose_WhileBlocksAreQueued_ReturnsAndLaterUseThrows()
    {
        var hash = new BackgroundHash(HashAlgorithmName.SHA256);
        hash.Append(new byte[(BackgroundHash.MaxQueuedBlocks + 2) * Block]);

        // Disposing waits for the hashing thread (it must not touch a disposed hash or a returned block).
        hash.Dispose();

        Assert.Throws<ObjectDisposedException>(() => hash.Append(new byte[1]));
    }

    private static byte[] OneShot(HashAlgorithmName name, byte[] message)
    {
        using var hash = IncrementalHash.CreateHash(name);
        hash.AppendData(message);
        return hash.GetHashAndReset();
    }
}
