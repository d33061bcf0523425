using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Tests.Encryption.OpenPgp;

/// <summary>
/// OpenPGP messages built packet by packet with the library's own writers, for tests that need what no sender writes:
/// a chosen session cipher, or encrypted data holding any packets at all.
/// </summary>
internal static class CraftedMessages
{
    /// <summary>A session key packet for <paramref name="key"/> and an encrypted data packet holding <paramref name="inner"/> as it is.</summary>
    public static byte[] Encrypted(PgpPublicKey key, byte[] inner, int cipher = 9, int keyLength = 32)
    {
        var sessionKey = RandomNumberGenerator.GetBytes(keyLength);
        var sessionInfo = new byte[1 + keyLength + 2];
        sessionInfo[0] = (byte)cipher;
        sessionKey.CopyTo(sessionInfo, 1);
        var checksum = sessionKey.Sum(b => b);
        sessionInfo[^2] = (byte)(checksum >> 8);
        sessionInfo[^1] = (byte)checksum;

        using var output = new MemoryStream();
        new OpenPgpSessionKeyEncryptor(key).WritePacket(sessionInfo, output);
        using (var encrypted = new SeipdWriteStream(output, sessionKey, 1024))
        {
            encrypted.Write(inner);
            encrypted.Complete();
        }

        return output.ToArray();
    }

    /// <summary>A literal data packet's body (RFC 4880 section 5.9): binary, no file name, date 0, then the content.</summary>
    public static byte[] LiteralBody(byte[] content) => [(byte)'b', 0, 0, 0, 0, 0, .. content];

    /// <summary>A new-format packet (RFC 4880 section 4.2.2) with a one-, two- or five-octet length.</summary>
    public static byte[] Packet(int tag, byte[] body)
    {
        var length = body.Length switch
        {
            < 192 => new[] { (byte)body.Length },
            < 8384 => [(byte)(((body.Length - 192) >> 8) + 192), (byte)((body.Length - 192) & 0xFF)],
            _ => [0xFF, (byte)(body.Length >> 24), (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length],
        };
        return [(byte)(0xC0 | tag), .. length, .. body];
    }
}
