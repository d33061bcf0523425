using System.Buffers;
using System.Security.Cryptography;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>
/// The data layer's encryption writes into a buffer from the shared pool (a share of many small files would otherwise
/// allocate a large array per message). A pooled array returned twice would be handed to two renters at once, so a
/// second disposal must not return it again, and a disposed stream takes no more bytes.
/// </summary>
[TestFixture]
public sealed class SeipdWriteStreamTests
{
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
}
