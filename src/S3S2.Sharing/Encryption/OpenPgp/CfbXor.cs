using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// The exclusive-or of CFB mode (RFC 4880 section 13.9): ciphertext is plaintext xor keystream and the other way round.
/// The keystream comes from .NET's AES (<see cref="SeipdWriteStream"/>, <see cref="SeipdReadStream"/>); this is only
/// the xor, so the keystream can be computed a whole chunk at a time in the mode that runs fastest.
/// </summary>
internal static class CfbXor
{
    /// <summary><paramref name="target"/> xor= <paramref name="other"/>, over <paramref name="target"/>'s length.</summary>
    /// <remarks>
    /// Vector128 rather than Vector&lt;T&gt;: ReadyToRun cannot precompile code over Vector&lt;T&gt; (its width is the
    /// machine's), so that loop ran unoptimized until the JIT caught up, a few percent of a large decryption.
    /// </remarks>
    public static void Apply(Span<byte> target, ReadOnlySpan<byte> other)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(other.Length, target.Length, nameof(other));
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            ref var targetStart = ref MemoryMarshal.GetReference(target);
            ref var otherStart = ref MemoryMarshal.GetReference(other);
            for (; i <= target.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                var value = Vector128.LoadUnsafe(ref targetStart, (nuint)i) ^ Vector128.LoadUnsafe(ref otherStart, (nuint)i);
                value.StoreUnsafe(ref targetStart, (nuint)i);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] ^= other[i];
        }
    }
}
