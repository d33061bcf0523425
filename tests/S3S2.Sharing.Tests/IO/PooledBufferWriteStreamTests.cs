using System.Buffers;
using S3S2.Sharing.IO;

namespace S3S2.Sharing.Tests.IO;

/// <summary>
/// The buffer of a block's zlib output (derived from plaintext) comes from the shared pool; the arrays the stream gives
/// back itself, when it grows and when it is disposed, go back cleared as far as they were written.
/// </summary>
[TestFixture]
public sealed class PooledBufferWriteStreamTests
{
    private const int Size = 4096;

    [Test]
    public void GrowThenDispose_ArraysGoBackCleared()
    {
        // The shared pool keeps one array per size for each thread and hands it out first: with this thread's slots
        // emptied, an array the stream gives back is the one the next rent of its size on this thread gets.
        var (slot, largerSlot) = (ArrayPool<byte>.Shared.Rent(Size), ArrayPool<byte>.Shared.Rent(2 * Size));
        var returned = new List<byte[]>();
        try
        {
            var stream = new PooledBufferWriteStream(Size);
            stream.Write(Enumerable.Repeat((byte)0xA5, Size).ToArray());
            stream.Write([0xA5]);
            returned.Add(ArrayPool<byte>.Shared.Rent(Size));
            Assert.That(returned[0].AsSpan(0, Size).IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "the array it outgrew");

            stream.Dispose();
            returned.Add(ArrayPool<byte>.Shared.Rent(2 * Size));
            Assert.That(returned[1].AsSpan(0, Size + 1).IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "the array it held");
        }
        finally
        {
            foreach (var array in returned.Append(slot).Append(largerSlot))
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }
}
