using System.Buffers;

namespace S3S2.Sharing.Tests;

/// <summary>An array pool that counts the arrays it has handed out and not yet got back (and refuses foreign returns).</summary>
internal sealed class CountingArrayPool : ArrayPool<byte>
{
    private readonly HashSet<byte[]> _out = new(ReferenceEqualityComparer.Instance);
    private readonly object _gate = new();

    /// <summary>Gets how many rented arrays have not been returned.</summary>
    public int Outstanding
    {
        get
        {
            lock (_gate)
            {
                return _out.Count;
            }
        }
    }

    /// <summary>Gets the most arrays that were out at once.</summary>
    public int MostOutstanding { get; private set; }

    public override byte[] Rent(int minimumLength)
    {
        var array = new byte[minimumLength];
        lock (_gate)
        {
            _out.Add(array);
            MostOutstanding = Math.Max(MostOutstanding, _out.Count);
        }

        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        lock (_gate)
        {
            if (!_out.Remove(array))
            {
                throw new InvalidOperationException("An array was returned twice, or was not rented from this pool.");
            }
        }
    }
}
