using System.Buffers.Binary;
using System.Globalization;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Policy;

/// <summary>
/// Allows a body only when it is a binary OpenPGP message that opens with public-key encrypted session key
/// packets for exactly the configured recipients' encryption keys, followed by a symmetrically encrypted
/// integrity-protected data packet (version 1, with MDC). When fingerprints are pinned, the recipients'
/// primary-key fingerprints must equal the pinned set.
/// </summary>
internal sealed class OpenPgpMessageRule : IBodyRule
{
    private const int TagPublicKeySessionKey = 1;
    private const int TagSymmetricSessionKey = 3;
    private const int TagCompressed = 8;
    private const int TagEncryptedWithoutIntegrity = 9;
    private const int TagLiteral = 11;
    private const int TagEncryptedWithIntegrity = 18;

    private readonly HashSet<ulong> _expectedKeyIds;
    private readonly string? _pinMismatch;
    private readonly OpenPgpRecipient? _firstToExpire;
    private readonly TimeProvider _time;

    public OpenPgpMessageRule(IReadOnlyList<OpenPgpRecipient> recipients, IEnumerable<string> pinnedFingerprints, TimeProvider? time = null)
    {
        // Keys are checked when the client is built; a long-running host must not go on encrypting past their expiry.
        _time = time ?? TimeProvider.System;
        _firstToExpire = recipients.Where(r => r.ExpiresUtc is not null).MinBy(r => r.ExpiresUtc);
        _expectedKeyIds = recipients.Select(r => unchecked((ulong)r.EncryptionKey.KeyId)).ToHashSet();
        var pins = pinnedFingerprints.Select(OpenPgpRecipientKeys.NormalizeFingerprint).ToHashSet(StringComparer.Ordinal);
        var actual = recipients.Select(r => r.Fingerprint).ToHashSet(StringComparer.Ordinal);
        if (pins.Count > 0 && !pins.SetEquals(actual))
        {
            _pinMismatch =
                $"the recipient key fingerprints [{string.Join(", ", actual.Order(StringComparer.Ordinal))}] do not match the pinned fingerprints [{string.Join(", ", pins.Order(StringComparer.Ordinal))}]. "
                + "Use the public key the receiver pinned, or get a new profile from the receiver";
        }
    }

    public string ObjectKeySuffix => OpenPgpEncryptor.ObjectKeySuffix;

    public IBodyValidator CreateValidator() => new OpenPgpFramingValidator();

    public string? Check(ReadOnlySpan<byte> head, bool isWholeBody)
    {
        if (_pinMismatch is not null)
        {
            return _pinMismatch;
        }

        if (_firstToExpire is { ExpiresUtc: { } expires } && _time.GetUtcNow().UtcDateTime >= expires)
        {
            return $"the recipient key {_firstToExpire} expired on {expires:yyyy-MM-dd HH:mm} UTC. Ask the receiver for a current key (or profile) and restart with it";
        }

        if (head.StartsWith("-----BEGIN PGP"u8))
        {
            return "the body is ASCII-armored; shares are binary OpenPGP messages";
        }

        var keyIds = new List<ulong>();
        var position = 0;
        while (true)
        {
            if (!TryReadHeader(head[position..], out var tag, out var headerLength, out var bodyLength))
            {
                return position == 0 && (head.Length == 0 || (head[0] & 0x80) == 0)
                    ? "the body is not an OpenPGP message (it looks like plaintext)"
                    : "the OpenPGP message header is incomplete or malformed";
            }

            var body = head[(position + headerLength)..];
            switch (tag)
            {
                case TagPublicKeySessionKey:
                    if (bodyLength < 10 || body.Length < bodyLength)
                    {
                        return "a public-key encrypted session key packet is truncated";
                    }

                    if (body[0] != 3)
                    {
                        return string.Create(CultureInfo.InvariantCulture, $"a session key packet has version {body[0]}; expected 3");
                    }

                    keyIds.Add(BinaryPrimitives.ReadUInt64BigEndian(body[1..9]));
                    position += headerLength + (int)bodyLength;
                    break;
                case TagEncryptedWithIntegrity:
                    if (body.Length < 1 || body[0] != 1)
                    {
                        return "the encrypted data packet is not version 1 (integrity protected with MDC)";
                    }

                    return CheckRecipients(keyIds);
                case TagEncryptedWithoutIntegrity:
                    return "the message has no integrity protection (symmetrically encrypted data packet without MDC)";
                case TagSymmetricSessionKey:
                    return "the message is encrypted with a passphrase; shares must be encrypted to the receiver's public key";
                case TagCompressed or TagLiteral:
                    return "the body is an unencrypted OpenPGP message (compressed or literal data)";
                default:
                    return string.Create(CultureInfo.InvariantCulture, $"unexpected OpenPGP packet (tag {tag}) before the encrypted data");
            }
        }
    }

    private string? CheckRecipients(List<ulong> keyIds)
    {
        if (keyIds.Count == 0)
        {
            return "the message has no public-key encrypted session key";
        }

        if (keyIds.Count != _expectedKeyIds.Count || !_expectedKeyIds.SetEquals(keyIds))
        {
            return $"the message is encrypted to key ids [{Format(keyIds)}] but the configured recipients' encryption keys are [{Format(_expectedKeyIds)}]";
        }

        return null;
    }

    private static string Format(IEnumerable<ulong> keyIds) =>
        string.Join(", ", keyIds.Select(id => id.ToString("X16", CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));

    /// <summary>Reads an OpenPGP packet header in the new or the old format (RFC 4880 section 4.2).</summary>
    private static bool TryReadHeader(ReadOnlySpan<byte> data, out int tag, out int headerLength, out long bodyLength)
    {
        tag = 0;
        headerLength = 0;
        bodyLength = -1;
        if (data.Length < 2 || (data[0] & 0x80) == 0)
        {
            return false;
        }

        if ((data[0] & 0x40) != 0)
        {
            tag = data[0] & 0x3F;
            var first = data[1];
            if (first < 192)
            {
                (headerLength, bodyLength) = (2, first);
            }
            else if (first < 224)
            {
                if (data.Length < 3)
                {
                    return false;
                }

                (headerLength, bodyLength) = (3, ((first - 192) << 8) + data[2] + 192);
            }
            else if (first == 255)
            {
                if (data.Length < 6)
                {
                    return false;
                }

                (headerLength, bodyLength) = (6, BinaryPrimitives.ReadUInt32BigEndian(data[2..6]));
            }
            else
            {
                // Partial body length: only the first chunk's length is known.
                (headerLength, bodyLength) = (2, 1L << (first & 0x1F));
            }

            return true;
        }

        tag = (data[0] >> 2) & 0x0F;
        switch (data[0] & 0x03)
        {
            case 0:
                (headerLength, bodyLength) = (2, data[1]);
                return true;
            case 1:
                if (data.Length < 3)
                {
                    return false;
                }

                (headerLength, bodyLength) = (3, BinaryPrimitives.ReadUInt16BigEndian(data[1..3]));
                return true;
            case 2:
                if (data.Length < 5)
                {
                    return false;
                }

                (headerLength, bodyLength) = (5, BinaryPrimitives.ReadUInt32BigEndian(data[1..5]));
                return true;
            default:
                (headerLength, bodyLength) = (1, -1);
                return true;
        }
    }
}
