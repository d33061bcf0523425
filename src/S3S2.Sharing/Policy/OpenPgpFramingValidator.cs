using System.Globalization;

namespace S3S2.Sharing.Policy;

/// <summary>
/// Follows an OpenPGP message's packet framing to its last byte (RFC 4880 section 4.2): public-key encrypted session
/// key packets of definite length, then exactly one symmetrically encrypted integrity-protected data packet (tag 18,
/// version 1) whose partial body lengths are well formed (section 4.2.2.4: powers of two, the first at least 512
/// bytes, the last length definite), and nothing after it. The data packet's content goes through
/// <see cref="CiphertextWindows"/>.
/// </summary>
internal sealed class OpenPgpFramingValidator : IBodyValidator
{
    /// <summary>A session key packet longer than this is refused (an RSA-16384 one is about 2 KiB).</summary>
    internal const int MaxSessionKeyPacketLength = 4096;

    /// <summary>Version byte, AES's 18-byte random prefix, 22-byte MDC packet: the shortest data packet body.</summary>
    internal const int MinDataPacketLength = 1 + 18 + 22;

    private const int FirstPartialMinimum = 512;
    private const int TagPublicKeySessionKey = 1;
    private const int TagEncryptedWithIntegrity = 18;

    private readonly CiphertextWindows _ciphertext = new();
    private readonly byte[] _header = new byte[6];
    private State _state = State.PacketHeader;
    private int _headerLength;
    private long _remaining;
    private bool _partial;
    private bool _versionSeen;
    private long _dataLength;
    private long _offset;

    private enum State
    {
        PacketHeader,
        SessionKeyBody,
        DataBody,
        ChunkLength,
        End,
    }

    public long JudgedLength => _ciphertext.JudgedBodyLength;

    public string? Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var consumed = 0;
            string? problem;
            switch (_state)
            {
                case State.PacketHeader:
                    _header[_headerLength++] = data[0];
                    consumed = 1;
                    problem = TryPacketHeader();
                    break;
                case State.ChunkLength:
                    _header[_headerLength++] = data[0];
                    consumed = 1;
                    problem = TryChunkLength();
                    break;
                case State.SessionKeyBody:
                    consumed = (int)Math.Min(_remaining, data.Length);
                    _remaining -= consumed;
                    problem = null;
                    if (_remaining == 0)
                    {
                        _state = State.PacketHeader;
                    }

                    break;
                case State.DataBody:
                    consumed = (int)Math.Min(_remaining, data.Length);
                    problem = TakeData(data[..consumed]);
                    break;
                default:
                    return string.Create(CultureInfo.InvariantCulture, $"{data.Length} or more bytes follow the end of the encrypted data packet at offset {_offset}; nothing may come after it");
            }

            _offset += consumed;
            data = data[consumed..];
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    public string? Complete()
    {
        return _state switch
        {
            State.End when _dataLength < MinDataPacketLength =>
                string.Create(CultureInfo.InvariantCulture, $"the encrypted data packet holds {_dataLength} bytes; an AES-encrypted packet with MDC needs at least {MinDataPacketLength}"),
            State.End => _ciphertext.Complete(),
            State.PacketHeader when _offset == 0 => "the body is empty",
            State.PacketHeader => string.Create(CultureInfo.InvariantCulture, $"the message ends after {_offset} bytes without an encrypted data packet"),
            _ => string.Create(CultureInfo.InvariantCulture, $"the message ends after {_offset} bytes, inside a packet (truncated)"),
        };
    }

    private string? TakeData(ReadOnlySpan<byte> data)
    {
        _remaining -= data.Length;
        _dataLength += data.Length;
        var bodyOffset = _offset;
        if (!_versionSeen && !data.IsEmpty)
        {
            if (data[0] != 1)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the encrypted data packet has version {data[0]}; expected 1");
            }

            _versionSeen = true;
            data = data[1..];
            bodyOffset++;
        }

        var problem = _ciphertext.Append(data, bodyOffset);
        if (problem is null && _remaining == 0)
        {
            _state = _partial ? State.ChunkLength : State.End;
            _headerLength = 0;
        }

        return problem;
    }

    private string? TryPacketHeader()
    {
        var first = _header[0];
        if ((first & 0x80) == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"byte {_offset} (0x{first:X2}) is not an OpenPGP packet header");
        }

        int tag;
        if ((first & 0x40) != 0)
        {
            tag = first & 0x3F;
            var length = TryNewFormatLength(_header.AsSpan(1, _headerLength - 1), out var partialLength);
            if (length == NeedMore)
            {
                return null;
            }

            if (tag == TagEncryptedWithIntegrity)
            {
                if (partialLength > 0 && partialLength < FirstPartialMinimum)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"the encrypted data packet's first partial body length is {partialLength} bytes; RFC 4880 requires at least {FirstPartialMinimum}");
                }

                return StartData(partialLength > 0 ? partialLength : length, partialLength > 0);
            }

            if (partialLength > 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"packet tag {tag} uses a partial body length; only data packets may");
            }

            return StartSessionKey(tag, length);
        }

        tag = (first >> 2) & 0x0F;
        var lengthBytes = (first & 0x03) switch { 0 => 1, 1 => 2, 2 => 4, _ => -1 };
        if (lengthBytes < 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"packet tag {tag} has an indeterminate length; only definite lengths are allowed");
        }

        if (_headerLength < 1 + lengthBytes)
        {
            return null;
        }

        long oldLength = 0;
        for (var i = 1; i <= lengthBytes; i++)
        {
            oldLength = (oldLength << 8) | _header[i];
        }

        return StartSessionKey(tag, oldLength);
    }

    private string? StartSessionKey(int tag, long length)
    {
        if (tag != TagPublicKeySessionKey)
        {
            return string.Create(CultureInfo.InvariantCulture, $"packet tag {tag} at offset {_offset + 1 - _headerLength}; only public-key encrypted session key packets (tag 1) may come before the encrypted data packet (tag 18)");
        }

        if (length is < 10 or > MaxSessionKeyPacketLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"a session key packet is {length} bytes long; between 10 and {MaxSessionKeyPacketLength} are allowed");
        }

        _remaining = length;
        _state = State.SessionKeyBody;
        _headerLength = 0;
        return null;
    }

    private string? StartData(long length, bool partial)
    {
        _remaining = length;
        _partial = partial;
        _headerLength = 0;
        _state = length == 0 ? State.End : State.DataBody;
        return null;
    }

    private string? TryChunkLength()
    {
        var length = TryNewFormatLength(_header.AsSpan(0, _headerLength), out var partialLength);
        if (length == NeedMore)
        {
            return null;
        }

        _headerLength = 0;
        if (partialLength > 0)
        {
            _remaining = partialLength;
            _state = State.DataBody;
        }
        else
        {
            _remaining = length;
            _partial = false;
            _state = length == 0 ? State.End : State.DataBody;
        }

        return null;
    }

    private const long NeedMore = -1;

    /// <summary>Reads a new-format body length (RFC 4880 section 4.2.2); a partial length comes back in <paramref name="partialLength"/>.</summary>
    private static long TryNewFormatLength(ReadOnlySpan<byte> bytes, out long partialLength)
    {
        partialLength = 0;
        if (bytes.IsEmpty)
        {
            return NeedMore;
        }

        var first = bytes[0];
        if (first < 192)
        {
            return first;
        }

        if (first < 224)
        {
            return bytes.Length < 2 ? NeedMore : ((first - 192) << 8) + bytes[1] + 192;
        }

        if (first == 255)
        {
            return bytes.Length < 5 ? NeedMore : ((long)bytes[1] << 24) | ((long)bytes[2] << 16) | ((long)bytes[3] << 8) | bytes[4];
        }

        partialLength = 1L << (first & 0x1F);
        return partialLength;
    }
}
