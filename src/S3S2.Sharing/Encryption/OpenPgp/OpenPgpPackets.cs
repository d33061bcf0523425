using System.Buffers.Binary;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>RFC 4880 section 4 packet framing: tags and new-format headers, shared by the writer and the reader.</summary>
internal static class OpenPgpPackets
{
    public const int TagPublicKeySessionKey = 1;
    public const int TagSignature = 2;
    public const int TagSymmetricSessionKey = 3;
    public const int TagOnePassSignature = 4;
    public const int TagCompressed = 8;
    public const int TagEncryptedWithoutIntegrity = 9;
    public const int TagMarker = 10;
    public const int TagLiteral = 11;
    public const int TagEncryptedWithIntegrity = 18;
    public const int TagModificationDetectionCode = 19;
    public const int TagAeadEncrypted = 20;

    /// <summary>The largest header <see cref="WriteHeader"/> writes: tag, 0xFF, four length octets.</summary>
    public const int MaxHeaderLength = 6;

    /// <summary>Writes a new-format header with a definite body length; returns its length.</summary>
    public static int WriteHeader(Span<byte> destination, int tag, int bodyLength)
    {
        destination[0] = (byte)(0xC0 | tag);
        return 1 + WriteLength(destination[1..], bodyLength);
    }

    /// <summary>Writes a new-format definite body length (one, two or five octets); returns its length.</summary>
    public static int WriteLength(Span<byte> destination, int length)
    {
        if (length < 192)
        {
            destination[0] = (byte)length;
            return 1;
        }

        if (length < 8384)
        {
            var value = length - 192;
            destination[0] = (byte)((value >> 8) + 192);
            destination[1] = (byte)value;
            return 2;
        }

        destination[0] = 0xFF;
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], length);
        return 5;
    }

    /// <summary>The partial body length octet for a chunk of 2^<paramref name="power"/> bytes.</summary>
    public static byte PartialLength(int power) => (byte)(0xE0 | power);
}
