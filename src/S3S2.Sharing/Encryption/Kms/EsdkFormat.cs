using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>
/// The byte layout and key schedule of the AWS Encryption SDK message format version 2 (developer guide: "Message
/// format reference", "Body AAD reference", "Algorithms reference"). Only .NET primitives are used: HKDF, AesGcm.
/// </summary>
internal static class EsdkFormat
{
    public const byte Version = 0x02;
    public const byte ContentTypeFramed = 0x02;
    public const int MessageIdLength = 32;
    public const int CommitKeyLength = 32;
    public const int DataKeyLength = 32;
    public const int IvLength = 12;
    public const int TagLength = 16;
    public const uint FinalFrameMarker = 0xFFFFFFFF;
    public const string KmsProviderId = "aws-kms";
    public const string PublicKeyContextKey = "aws-crypto-public-key";
    public const string ReservedContextPrefix = "aws-crypto-";
    public const int MinFrameLength = 1024;
    public const int MaxFrameLength = 16 * 1024 * 1024;

    public static ReadOnlySpan<byte> FrameAadLabel => "AWSKMSEncryptionClient Frame"u8;

    public static ReadOnlySpan<byte> FinalFrameAadLabel => "AWSKMSEncryptionClient Final Frame"u8;

    public static bool IsSupported(ushort suiteId) =>
        suiteId is (ushort)KmsAlgorithmSuite.AesGcm256HkdfSha512Commit or (ushort)KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384;

    public static bool IsSigned(ushort suiteId) => suiteId == (ushort)KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384;

    /// <summary>The data encryption key: HKDF-SHA512(data key, salt = message id, info = suite id || "DERIVEKEY").</summary>
    public static byte[] DeriveEncryptionKey(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> messageId, ushort suiteId)
    {
        Span<byte> info = stackalloc byte[2 + 9];
        BinaryPrimitives.WriteUInt16BigEndian(info, suiteId);
        "DERIVEKEY"u8.CopyTo(info[2..]);
        var key = new byte[DataKeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA512, dataKey, key, messageId, info);
        return key;
    }

    /// <summary>The key commitment: HKDF-SHA512(data key, salt = message id, info = "COMMITKEY").</summary>
    public static byte[] DeriveCommitKey(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> messageId)
    {
        var key = new byte[CommitKeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA512, dataKey, key, messageId, "COMMITKEY"u8);
        return key;
    }

    /// <summary>A frame's IV: its sequence number, big-endian, in the last 4 of 12 bytes.</summary>
    public static void FrameIv(uint sequenceNumber, Span<byte> iv)
    {
        iv.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(iv[8..], sequenceNumber);
    }

    /// <summary>A frame's AAD: message id || label || sequence number (4 bytes) || plaintext length (8 bytes).</summary>
    public static int FrameAad(ReadOnlySpan<byte> messageId, bool isFinal, uint sequenceNumber, long contentLength, Span<byte> aad)
    {
        var label = isFinal ? FinalFrameAadLabel : FrameAadLabel;
        messageId.CopyTo(aad);
        label.CopyTo(aad[messageId.Length..]);
        var position = messageId.Length + label.Length;
        BinaryPrimitives.WriteUInt32BigEndian(aad[position..], sequenceNumber);
        BinaryPrimitives.WriteUInt64BigEndian(aad[(position + 4)..], (ulong)contentLength);
        return position + 12;
    }

    public static int MaxFrameAadLength => MessageIdLength + FinalFrameAadLabel.Length + 12;

    /// <summary>Serializes an encryption context: count, then (key length, key, value length, value) sorted by the keys' UTF-8 bytes; empty when there are no pairs.</summary>
    public static byte[] SerializeContext(IEnumerable<KeyValuePair<string, string>> context)
    {
        var pairs = context.Select(p => (Key: Encoding.UTF8.GetBytes(p.Key), Value: Encoding.UTF8.GetBytes(p.Value))).ToList();
        if (pairs.Count == 0)
        {
            return [];
        }

        pairs.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        using var buffer = new MemoryStream();
        WriteUInt16(buffer, pairs.Count, "encryption context pairs");
        foreach (var (key, value) in pairs)
        {
            WriteUInt16(buffer, key.Length, "encryption context key bytes");
            buffer.Write(key);
            WriteUInt16(buffer, value.Length, "encryption context value bytes");
            buffer.Write(value);
        }

        return buffer.Length <= ushort.MaxValue
            ? buffer.ToArray()
            : throw new ArgumentException("The encryption context is longer than 65,535 bytes once serialized. Use fewer or shorter pairs.");
    }

    public static void WriteUInt16(Stream stream, int value, string what)
    {
        if (value is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentException($"Too many {what} for the message format ({value}; at most 65,535).");
        }

        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)value);
        stream.Write(bytes);
    }

    /// <summary>Whether bytes open like a version-2 message of a suite this library reads (0x02, then 0x0478 or 0x0578).</summary>
    public static bool LooksLikeMessage(ReadOnlySpan<byte> head) =>
        head.Length >= 3 && head[0] == 0x02 && (head[1] == 0x04 || head[1] == 0x05) && head[2] == 0x78;
}
