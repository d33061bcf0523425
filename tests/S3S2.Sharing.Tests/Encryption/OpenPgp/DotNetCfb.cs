using System.Security.Cryptography;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>
/// The reference the data layer's tests compare with: .NET's own one-shot CFB (128-bit feedback, zero IV, as the
/// version 1 SEIPD packet uses it), independently of the library's reader and writer. CFB is a stream mode: the result
/// for the input padded to whole blocks, cut to the input's length, is the result for the input.
/// </summary>
internal static class DotNetCfb
{
    private const int BlockSize = 16;

    public static byte[] Encrypt(byte[] key, ReadOnlySpan<byte> plaintext) => Transform(key, plaintext, encrypt: true);

    public static byte[] Decrypt(byte[] key, ReadOnlySpan<byte> ciphertext) => Transform(key, ciphertext, encrypt: false);

    private static byte[] Transform(byte[] key, ReadOnlySpan<byte> input, bool encrypt)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var padded = new byte[(input.Length + BlockSize - 1) / BlockSize * BlockSize];
        input.CopyTo(padded);
        var output = encrypt
            ? aes.EncryptCfb(padded, new byte[BlockSize], PaddingMode.None, 128)
            : aes.DecryptCfb(padded, new byte[BlockSize], PaddingMode.None, 128);
        return output[..input.Length];
    }
}
