using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using S3S2.Sharing.Encryption.Kms;

namespace S3S2.Sharing.Policy;

/// <summary>
/// Follows an AWS Encryption SDK version-2 message to its last byte ("Message format reference"): the header and its
/// 16-byte authentication tag, regular frames numbered 1, 2, 3… each with its sequence number as IV (eight zero bytes,
/// then the number big-endian), one final frame (marker 0xFFFFFFFF, content no longer than the frame length), then
/// for suite 0x0578 the signature footer, and nothing after. Frame content goes through <see cref="CiphertextWindows"/>.
/// </summary>
internal sealed class EsdkFramingValidator : IBodyValidator
{
    /// <summary>A header longer than this is refused (the policy's head check allows up to 64 KiB).</summary>
    internal const int MaxHeaderLength = 1024 * 1024;

    /// <summary>A DER ECDSA P-384 signature is at most 104 bytes; more is refused.</summary>
    internal const int MaxSignatureLength = 104;

    private readonly CiphertextWindows _ciphertext = new();
    private readonly ArrayBufferWriter<byte> _headerBytes = new();
    private readonly byte[] _field = new byte[EsdkFormat.IvLength + 8];
    private EsdkHeader? _header;
    private State _state = State.Header;
    private int _fieldLength;
    private int _fieldNeeded;
    private long _remaining;
    private uint _sequence = 1;
    private long _offset;
    private bool _finalSeen;

    private enum State
    {
        Header,
        HeaderTag,
        FrameStart,
        FinalSequence,
        Iv,
        FinalContentLength,
        Content,
        Tag,
        FooterLength,
        Signature,
        End,
    }

    public long JudgedLength => _ciphertext.JudgedBodyLength;

    public string? Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            string? problem = null;
            int consumed;
            switch (_state)
            {
                case State.Header:
                    consumed = data.Length;
                    problem = TakeHeader(data, out consumed);
                    break;
                case State.HeaderTag or State.Tag or State.Signature:
                    consumed = (int)Math.Min(_remaining, data.Length);
                    _remaining -= consumed;
                    if (_remaining == 0)
                    {
                        problem = AfterSkipped();
                    }

                    break;
                case State.Content:
                    consumed = (int)Math.Min(_remaining, data.Length);
                    _remaining -= consumed;
                    problem = _ciphertext.Append(data[..consumed], _offset);
                    if (problem is null && _remaining == 0)
                    {
                        Expect(State.Tag, EsdkFormat.TagLength);
                    }

                    break;
                case State.End:
                    return string.Create(CultureInfo.InvariantCulture, $"{data.Length} or more bytes follow the end of the message at offset {_offset}; nothing may come after it");
                default:
                    consumed = Math.Min(_fieldNeeded - _fieldLength, data.Length);
                    data[..consumed].CopyTo(_field.AsSpan(_fieldLength));
                    _fieldLength += consumed;
                    if (_fieldLength == _fieldNeeded)
                    {
                        problem = TakeField(_field.AsSpan(0, _fieldLength));
                    }

                    break;
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

    public string? Complete() => _state switch
    {
        State.End => _ciphertext.Complete(),
        State.Header when _offset == 0 => "the body is empty",
        State.Header or State.HeaderTag => string.Create(CultureInfo.InvariantCulture, $"the message ends after {_offset} bytes, inside its header"),
        State.FrameStart => string.Create(CultureInfo.InvariantCulture, $"the message ends after frame {_sequence - 1} without a final frame (truncated)"),
        State.FooterLength or State.Signature => "the message ends before its signature footer is complete (truncated)",
        _ => string.Create(CultureInfo.InvariantCulture, $"the message ends after {_offset} bytes, inside frame {_sequence} (truncated)"),
    };

    private string? TakeHeader(ReadOnlySpan<byte> data, out int consumed)
    {
        var before = _headerBytes.WrittenCount;
        var take = Math.Min(data.Length, MaxHeaderLength - before);
        _headerBytes.Write(data[..take]);
        var header = EsdkHeader.TryParse(_headerBytes.WrittenSpan, out var problem);
        if (problem is not null)
        {
            consumed = take;
            return problem;
        }

        if (header is null)
        {
            consumed = take;
            return take < data.Length ? $"the AWS Encryption SDK header is longer than {MaxHeaderLength} bytes" : null;
        }

        _header = header;
        consumed = header.Length - before;
        _headerBytes.Clear();
        _remaining = EsdkFormat.TagLength;
        _state = State.HeaderTag;
        return null;
    }

    private string? AfterSkipped()
    {
        switch (_state)
        {
            case State.HeaderTag:
                Expect(State.FrameStart, 4);
                return null;
            case State.Tag when _finalSeen:
                if (EsdkFormat.IsSigned(_header!.SuiteId))
                {
                    Expect(State.FooterLength, 2);
                }
                else
                {
                    _state = State.End;
                }

                return null;
            case State.Tag:
                _sequence++;
                Expect(State.FrameStart, 4);
                return null;
            default:
                _state = State.End;
                return null;
        }
    }

    private string? TakeField(ReadOnlySpan<byte> field)
    {
        switch (_state)
        {
            case State.FrameStart:
                var first = BinaryPrimitives.ReadUInt32BigEndian(field);
                if (first == EsdkFormat.FinalFrameMarker)
                {
                    _finalSeen = true;
                    Expect(State.FinalSequence, 4);
                    return null;
                }

                return CheckSequence(first) ?? Expect(State.Iv, EsdkFormat.IvLength);
            case State.FinalSequence:
                return CheckSequence(BinaryPrimitives.ReadUInt32BigEndian(field)) ?? Expect(State.Iv, EsdkFormat.IvLength);
            case State.Iv:
                Span<byte> expected = stackalloc byte[EsdkFormat.IvLength];
                EsdkFormat.FrameIv(_sequence, expected);
                if (!field.SequenceEqual(expected))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"frame {_sequence} has IV {Convert.ToHexString(field)}; the format requires its sequence number {Convert.ToHexString(expected)}");
                }

                if (_finalSeen)
                {
                    return Expect(State.FinalContentLength, 4);
                }

                _remaining = _header!.FrameLength;
                _state = State.Content;
                return null;
            case State.FinalContentLength:
                var length = BinaryPrimitives.ReadUInt32BigEndian(field);
                if (length > _header!.FrameLength)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"the final frame holds {length} bytes, more than the frame length {_header.FrameLength}");
                }

                _remaining = length;
                _state = length == 0 ? State.Tag : State.Content;
                if (length == 0)
                {
                    _remaining = EsdkFormat.TagLength;
                }

                return null;
            default:
                var signatureLength = BinaryPrimitives.ReadUInt16BigEndian(field);
                if (signatureLength is 0 or > MaxSignatureLength)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"the signature footer says {signatureLength} bytes; an ECDSA P-384 signature has 1 to {MaxSignatureLength}");
                }

                _remaining = signatureLength;
                _state = State.Signature;
                return null;
        }
    }

    private string? CheckSequence(uint sequence) =>
        sequence == _sequence
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"frame {_sequence} carries sequence number {sequence}; frames must follow in order 1, 2, 3…");

    private string? Expect(State state, int length)
    {
        _state = state;
        if (state is State.Tag)
        {
            _remaining = length;
        }
        else
        {
            _fieldLength = 0;
            _fieldNeeded = length;
        }

        return null;
    }
}
