using System.Buffers;
using System.Security.Cryptography;

namespace S3S2.Sharing.IO;

/// <summary>
/// Returns pooled buffers that held plaintext (possibly the caller's secret) to the pool cleared, since the pool hands
/// its arrays to any code in the process. Only the part that was filled is cleared: a file of a few bytes would
/// otherwise pay for clearing whole 1 MiB arrays, which across a share of many small files adds up.
/// </summary>
internal static class PlaintextBuffers
{
    /// <summary>Clears the first <paramref name="filled"/> bytes of <paramref name="buffer"/> and returns it to the shared pool.</summary>
    public static void Return(byte[] buffer, int filled)
    {
        CryptographicOperations.ZeroMemory(buffer.AsSpan(0, Math.Clamp(filled, 0, buffer.Length)));
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
