using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>A parsed version-2 message header (everything before the header authentication tag).</summary>
internal sealed class EsdkHeader
{
    /// <summary>More encrypted data keys than this is refused: a header is read before it is authenticated.</summary>
    public const int MaxEncryptedDataKeys = 64;

    private EsdkHeader(ushort suiteId, byte[] messageId, IReadOnlyList<KeyValuePair<string, string>> context, IReadOnlyList<EsdkEncryptedDataKey> dataKeys, byte contentType, uint frameLength, byte[] commitKey, int length)
    {
        SuiteId = suiteId;
        MessageId = messageId;
        EncryptionContext = context;
        EncryptedDataKeys = dataKeys;
        ContentType = contentType;
        FrameLength = frameLength;
        CommitKey = commitKey;
        Length = length;
    }

    public ushort SuiteId { get; }

    public byte[] MessageId { get; }

    public IReadOnlyList<KeyValuePair<string, string>> EncryptionContext { get; }

    public IReadOnlyList<EsdkEncryptedDataKey> EncryptedDataKeys { get; }

    public byte ContentType { get; }

    public uint FrameLength { get; }

    public byte[] CommitKey { get; }

    /// <summary>Gets the header's length in bytes, up to (not including) the authentication tag.</summary>
    public int Length { get; }

    /// <summary>Parses a header from the start of <paramref name="data"/>.</summary>
    /// <returns>The header; <see langword="null"/> with <paramref name="problem"/> null when more bytes are needed; null with a problem when it is not a header we accept.</returns>
    public static EsdkHeader? TryParse(ReadOnlySpan<byte> data, out string? problem)
    {
        var reader = new SpanReader(data);
        problem = null;
        if (!reader.TryByte(out var version))
        {
            return null;
        }

        if (version != EsdkFormat.Version)
        {
            problem = version == 0x01
                ? "the message is AWS Encryption SDK format version 1 (no key commitment); only version 2 is accepted"
                : string.Create(CultureInfo.InvariantCulture, $"the body is not an AWS Encryption SDK message (first byte 0x{version:X2}; a version-2 message starts with 0x02)");
            return null;
        }

        if (!reader.TryUInt16(out var suiteId))
        {
            return null;
        }

        if (!EsdkFormat.IsSupported(suiteId))
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"algorithm suite 0x{suiteId:X4} is not allowed; only 0x0478 and 0x0578 (AES-256-GCM, HKDF-SHA512, key commitment) are");
            return null;
        }

        if (!reader.TryBytes(EsdkFormat.MessageIdLength, out var messageId) || !reader.TryUInt16(out var contextLength) || !reader.TryBytes(contextLength, out var contextBytes))
        {
            return null;
        }

        var context = ParseContext(contextBytes, out problem);
        if (context is null)
        {
            return null;
        }

        if (!reader.TryUInt16(out var keyCount))
        {
            return null;
        }

        if (keyCount is 0 or > MaxEncryptedDataKeys)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the header has {keyCount} encrypted data keys; between 1 and {MaxEncryptedDataKeys} are accepted");
            return null;
        }

        var keys = new List<EsdkEncryptedDataKey>(keyCount);
        for (var i = 0; i < keyCount; i++)
        {
            if (!reader.TryLengthPrefixed(out var providerId) || !reader.TryLengthPrefixed(out var providerInfo) || !reader.TryLengthPrefixed(out var ciphertext))
            {
                return null;
            }

            keys.Add(new EsdkEncryptedDataKey(Utf8(providerId), Utf8(providerInfo), ciphertext.ToArray()));
        }

        if (!reader.TryByte(out var contentType) || !reader.TryUInt32(out var frameLength) || !reader.TryBytes(EsdkFormat.CommitKeyLength, out var commitKey))
        {
            return null;
        }

        if (contentType != EsdkFormat.ContentTypeFramed)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the content type is 0x{contentType:X2}; only framed content (0x02) is accepted");
            return null;
        }

        if (frameLength is 0 or > EsdkFormat.MaxFrameLength)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the frame length is {frameLength}; between 1 and {EsdkFormat.MaxFrameLength} bytes is accepted");
            return null;
        }

        return new EsdkHeader(suiteId, messageId.ToArray(), context, keys, contentType, frameLength, commitKey.ToArray(), reader.Position);
    }

    private static List<KeyValuePair<string, string>>? ParseContext(ReadOnlySpan<byte> data, out string? problem)
    {
        problem = null;
        var pairs = new List<KeyValuePair<string, string>>();
        if (data.IsEmpty)
        {
            return pairs;
        }

        var reader = new SpanReader(data);
        if (!reader.TryUInt16(out var count))
        {
            problem = "the encryption context is malformed";
            return null;
        }

        for (var i = 0; i < count; i++)
        {
            if (!reader.TryLengthPrefixed(out var key) || !reader.TryLengthPrefixed(out var value))
            {
                problem = "the encryption context is malformed";
                return null;
            }

            pairs.Add(new(Utf8(key), Utf8(value)));
        }

        if (reader.Position != data.Length || pairs.Select(p => p.Key).Distinct(StringComparer.Ordinal).Count() != pairs.Count)
        {
            problem = "the encryption context is malformed (trailing bytes or a repeated key)";
            return null;
        }

        return pairs;
    }

    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public int Position { get; private set; }

        public bool TryByte(out byte value)
        {
            value = 0;
            if (Position + 1 > _data.Length)
            {
                return false;
            }

            value = _data[Position++];
            return true;
        }

        public bool TryUInt16(out ushort value)
        {
            value = 0;
            if (Position + 2 > _data.Length)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16BigEndian(_data[Position..]);
            Position += 2;
            return true;
        }

        public bool TryUInt32(out uint value)
        {
            value = 0;
            if (Position + 4 > _data.Length)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt32BigEndian(_data[Position..]);
            Position += 4;
            return true;
        }

        public bool TryBytes(int length, out ReadOnlySpan<byte> value)
        {
            value = default;
            if (Position + length > _data.Length)
            {
                return false;
            }

            value = _data.Slice(Position, length);
            Position += length;
            return true;
        }

        public bool TryLengthPrefixed(out ReadOnlySpan<byte> value)
        {
            value = default;
            var start = Position;
            if (!TryUInt16(out var length) || !TryBytes(length, out value))
            {
                Position = start;
                return false;
            }

            return true;
        }
    }
}
