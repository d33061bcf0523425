namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>Reproducible test bytes.</summary>
internal static class TestData
{
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The SHA-256 of <paramref name="bytes"/> in lowercase hex, as manifests and receipts write it.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant();

    public static byte[] Csv(int rows) =>
        System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, rows).Select(i => $"{i},customer-{i % 97},{i * 3.25:F2},2026-11-{1 + (i % 28):D2}\n")));
}
