using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using S3S2.Sharing.IO;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Reads any standard OpenPGP message encrypted to one of the receiver's keys: binary or ASCII-armored, compressed or
/// not, signed or not (signatures are not checked here; a manifest's are collected for the receiver, which checks them).
/// The stream is never seeked: its first bytes are peeked to tell armor from binary (BouncyCastle's own detection
/// needs a seekable stream). The packets are parsed here and the data is decrypted with .NET's AES and SHA-1
/// (hardware); BouncyCastle only reads keys and does ECDH. Messages without integrity protection are refused before
/// any plaintext is released; session ciphers other than AES are refused; the MDC is verified when the encrypted data
/// has been read to its end, and only then does the call return normally.
/// </summary>
internal sealed class OpenPgpDecryptor : IDecryptor
{
    internal const int BufferSize = 64 * 1024;

    /// <summary>The plaintext is handed to the output in pieces of this size (the data layer decrypts about 1 MiB at a time, <see cref="SeipdReadStream.ChunkSize"/>).</summary>
    private const int CopyBufferSize = 1024 * 1024;
    private const int PeekSize = 64;

    /// <summary>The armor's BEGIN line up to its blank line: far more than the Version and Comment headers gpg writes.</summary>
    private const int MaxArmorHeaders = 16 * 1024;

    private static ReadOnlySpan<byte> ArmorBegin => "-----BEGIN PGP MESSAGE-----"u8;

    /// <summary>Far more than any RSA-16384 or ECDH session key packet needs; a longer one is not a session key.</summary>
    private const int MaxSessionKeyPacket = 4096;

    /// <summary>Far more than an RSA-16384 signature with its subpackets needs.</summary>
    private const int MaxSignaturePacket = 16 * 1024;

    /// <summary>
    /// Session key packets a message may carry, one per recipient: more is refused rather than read (a message is read
    /// from a bucket others can write to, and each packet is kept until the encrypted data starts).
    /// </summary>
    internal const int MaxSessionKeyPackets = 64;

    /// <summary>
    /// Session key packets for a hidden recipient (key id 0, gpg --throw-keyids) that are tried: each costs a private-key
    /// operation per configured key, so a message cannot make the receiver spend hours of CPU on packets of random bytes.
    /// </summary>
    internal const int MaxHiddenRecipients = 8;

    /// <summary>
    /// Packets other than the session keys, the encrypted data and the literal data (markers and password packets before
    /// the encrypted data; one-pass signatures, signatures and markers inside it): a signed message has two per signer.
    /// More is refused, and each must be a short packet of definite length, so none can make the receiver read (or
    /// decompress) without end what it then discards, or collect signatures without bound.
    /// </summary>
    internal const int MaxOtherPackets = 16;

    private readonly OpenPgpSecretKeys _keys;

    public OpenPgpDecryptor(OpenPgpSecretKeys keys)
    {
        _keys = keys;
    }

    public string Mode => "openpgp";

    public IReadOnlyList<string> ObjectKeySuffixes { get; } = [OpenPgpEncryptor.ObjectKeySuffix, ".pgp", ".asc"];

    public async Task DecryptAsync(Stream ciphertext, Stream plaintext, DecryptionMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(message);

        var source = new SourceReadStream(ciphertext);
        try
        {
            var head = new byte[PeekSize];
            var length = await source.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var packets = await OpenPacketsAsync(head, length, source, message.Description, cancellationToken).ConfigureAwait(false);
            await DecryptAsync(packets, plaintext, message.Description, message.Signatures, cancellationToken).ConfigureAwait(false);
        }
        catch (PlaintextWriteFailure failure)
        {
            // The output failed (a full disk), not the message: report that error as it is.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure.InnerException!);
        }
        catch (Exception ex) when (SourceReadStream.FailureIn(ex) is { } sourceFailure)
        {
            // The store or network failed, not the message: report that (a retry may succeed), not corruption.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(sourceFailure);
        }
        catch (MalformedMessageException ex)
        {
            throw new IntegrityException($"{message.Description} {ex.Message}. Ask the sender to share it again.", ex);
        }
        catch (Exception ex) when (ex is not (IntegrityException or EncryptionKeyException or OperationCanceledException or OutOfMemoryException))
        {
            throw new IntegrityException($"{message.Description} is corrupt or truncated ({ex.Message}). Ask the sender to share it again.", ex);
        }
    }

    private static async Task<Stream> OpenPacketsAsync(byte[] head, int length, Stream rest, string description, CancellationToken cancellationToken)
    {
        if (length == 0)
        {
            throw new IntegrityException($"{description} is empty: it is not an OpenPGP message. Ask the sender to share it again.");
        }

        if ((head[0] & 0x80) != 0)
        {
            return new PrefixedStream(head, length, rest);
        }

        if (IsArmored(head.AsSpan(0, length)))
        {
            (head, length) = await ReadArmorHeadersAsync(head, length, rest, cancellationToken).ConfigureAwait(false);
            return new ArmoredInputStream(new PrefixedStream(head, length, rest));
        }

        // An AWS Encryption SDK message (version 2, suites 0x0478/0x0578) starts with these bytes.
        if (Kms.EsdkFormat.LooksLikeMessage(head.AsSpan(0, length)))
        {
            throw new IntegrityException($"{description} is a KMS envelope (AWS Encryption SDK) message where an OpenPGP message was expected. Check that it is the object the manifest lists.");
        }

        throw new IntegrityException($"{description} is not an OpenPGP message (neither binary packets nor '-----BEGIN PGP MESSAGE-----' armor). Check that it is the encrypted file.");
    }

    /// <summary>Whether text (not binary packets) starts as an armored message: its BEGIN line, or the start of one.</summary>
    private static bool IsArmored(ReadOnlySpan<byte> head)
    {
        var text = head.TrimStart(" \t\r\n"u8);
        return text.StartsWith(ArmorBegin) || (text.Length < ArmorBegin.Length && ArmorBegin.StartsWith(text));
    }

    /// <summary>
    /// Reads an armored message's start up to the blank line that ends its armor headers (RFC 4880 section 6.2), at most
    /// <see cref="MaxArmorHeaders"/> bytes: BouncyCastle keeps every header line it parses, so an object of header lines
    /// without end would fill the memory before any check. Returns the bytes read, to be read again before the rest.
    /// </summary>
    private static async Task<(byte[] Head, int Length)> ReadArmorHeadersAsync(byte[] head, int length, Stream source, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxArmorHeaders];
        head.AsSpan(0, length).CopyTo(buffer);
        while (true)
        {
            if (ArmorHeadersEnd(buffer.AsSpan(0, length)))
            {
                return (buffer, length);
            }

            if (length == buffer.Length)
            {
                throw new MalformedMessageException(string.Create(CultureInfo.InvariantCulture, $"is ASCII-armored, but its armor headers do not end (with a blank line) within {MaxArmorHeaders} bytes"));
            }

            var read = await source.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                // Too short to be a message; the armor decoder reports what is wrong with it.
                return (buffer, length);
            }

            length += read;
        }
    }

    /// <summary>Whether a line after the armor's BEGIN line is blank (only spaces, tabs or a carriage return).</summary>
    private static bool ArmorHeadersEnd(ReadOnlySpan<byte> text)
    {
        var begin = text.IndexOf(ArmorBegin);
        if (begin < 0)
        {
            return false;
        }

        var rest = text[(begin + ArmorBegin.Length)..];
        var lineEnd = rest.IndexOf((byte)'\n');
        while (lineEnd >= 0)
        {
            rest = rest[(lineEnd + 1)..];
            lineEnd = rest.IndexOf((byte)'\n');
            if (lineEnd >= 0 && rest[..lineEnd].Trim(" \t\r"u8).IsEmpty)
            {
                return true;
            }
        }

        return false;
    }

    private async Task DecryptAsync(Stream packets, Stream plaintext, string description, List<byte[]>? signatures, CancellationToken cancellationToken)
    {
        var sessionKeys = new List<(long KeyId, PublicKeyAlgorithmTag Algorithm, byte[] Fields)>();
        var otherPackets = new PacketCount();
        var passwordEncrypted = false;
        OpenPgpPacketHeader header;
        while (true)
        {
            header = await OpenPgpPacketHeader.ReadAsync(packets, cancellationToken).ConfigureAwait(false)
                ?? throw new MalformedMessageException("ends before its encrypted data");
            if (header.Tag == OpenPgpPackets.TagEncryptedWithIntegrity)
            {
                break;
            }

            var body = new PacketBodyReadStream(packets, header);
            switch (header.Tag)
            {
                case OpenPgpPackets.TagPublicKeySessionKey:
                    var sessionKeyPacket = await ReadSessionKeyPacketAsync(header, body, cancellationToken).ConfigureAwait(false);
                    if (sessionKeys.Count == MaxSessionKeyPackets)
                    {
                        throw new MalformedMessageException(string.Create(CultureInfo.InvariantCulture, $"has more than {MaxSessionKeyPackets} session key packets (one per recipient); it is refused rather than read"));
                    }

                    if (sessionKeyPacket.KeyId == 0 && sessionKeys.Count(k => k.KeyId == 0) == MaxHiddenRecipients)
                    {
                        throw new MalformedMessageException(string.Create(CultureInfo.InvariantCulture, $"has more than {MaxHiddenRecipients} session key packets for hidden recipients (key id 0); each would cost a private-key operation per configured key, so it is refused rather than tried"));
                    }

                    sessionKeys.Add(sessionKeyPacket);
                    break;
                case OpenPgpPackets.TagSymmetricSessionKey:
                    passwordEncrypted = true;
                    await otherPackets.SkipAsync(header, body, MaxSessionKeyPacket, cancellationToken).ConfigureAwait(false);
                    break;
                case OpenPgpPackets.TagMarker:
                    await otherPackets.SkipAsync(header, body, MaxSessionKeyPacket, cancellationToken).ConfigureAwait(false);
                    break;
                case OpenPgpPackets.TagEncryptedWithoutIntegrity:
                    throw new IntegrityException($"{description} has no integrity protection (no MDC), so modifications could go unnoticed; it is refused. Ask the sender to encrypt with integrity protection (gpg does by default; S3S2 always does).");
                case OpenPgpPackets.TagAeadEncrypted:
                    throw new IntegrityException($"{description} uses AEAD encrypted data (OpenPGP v5/RFC 9580), which S3S2 does not read. Ask the sender to encrypt with integrity-protected data version 1 (gpg's default for RFC 4880 keys).");
                case OpenPgpPackets.TagCompressed or OpenPgpPackets.TagLiteral or OpenPgpPackets.TagOnePassSignature or OpenPgpPackets.TagSignature:
                    throw new IntegrityException($"{description} is not encrypted (it opens with an OpenPGP packet of tag {header.Tag}). Ask the sender to encrypt it to your public key.");
                default:
                    throw new MalformedMessageException(string.Create(CultureInfo.InvariantCulture, $"has an unexpected OpenPGP packet (tag {header.Tag}) before its encrypted data"));
            }
        }

        if (sessionKeys.Count == 0)
        {
            throw passwordEncrypted
                ? new EncryptionKeyException($"{description} is encrypted with a password only, not to a public key. Ask the sender to encrypt it to your public key.")
                : new MalformedMessageException("has no session key packet before its encrypted data");
        }

        var sessionKey = RecoverSessionKey(sessionKeys, description);
        using var decrypted = new SeipdReadStream(new PacketBodyReadStream(packets, header), sessionKey);
        CryptographicOperations.ZeroMemory(sessionKey);
        if (!await CopyLiteralDataAsync(decrypted, plaintext, nested: false, signatures, new PacketCount(), cancellationToken).ConfigureAwait(false))
        {
            throw new MalformedMessageException("holds no literal data");
        }

        // Reading to the end verifies the MDC; only then is the message accepted.
        var rest = new byte[64];
        if (await decrypted.ReadAsync(rest, cancellationToken).ConfigureAwait(false) != 0)
        {
            throw new MalformedMessageException("has data after its last packet inside the encrypted data");
        }
    }

    private static async Task<(long KeyId, PublicKeyAlgorithmTag Algorithm, byte[] Fields)> ReadSessionKeyPacketAsync(OpenPgpPacketHeader header, PacketBodyReadStream body, CancellationToken cancellationToken)
    {
        if (header.Partial || header.Indeterminate || header.Length is < 10 or > MaxSessionKeyPacket)
        {
            throw new MalformedMessageException("has a malformed public-key encrypted session key packet (its length)");
        }

        var packet = new byte[header.Length];
        await body.ReadExactlyAsync(packet, cancellationToken).ConfigureAwait(false);
        if (packet[0] != 3)
        {
            throw new MalformedMessageException(string.Create(CultureInfo.InvariantCulture, $"has a session key packet of version {packet[0]}; only version 3 (RFC 4880) is read"));
        }

        return (BinaryPrimitives.ReadInt64BigEndian(packet.AsSpan(1)), (PublicKeyAlgorithmTag)packet[9], packet[10..]);
    }

    /// <summary>
    /// Literal data, possibly inside one compressed packet and between one-pass signature and signature packets, is
    /// written to <paramref name="plaintext"/>. Returns whether any was found. Signature packets are collected into
    /// <paramref name="signatures"/> when given (the caller verifies them), else skipped.
    /// </summary>
    private static async Task<bool> CopyLiteralDataAsync(Stream packets, Stream plaintext, bool nested, List<byte[]>? signatures, PacketCount otherPackets, CancellationToken cancellationToken)
    {
        var found = false;
        while (await OpenPgpPacketHeader.ReadAsync(packets, cancellationToken).ConfigureAwait(false) is { } header)
        {
            var body = new PacketBodyReadStream(packets, header);
            switch (header.Tag)
            {
                case OpenPgpPackets.TagCompressed when !nested && !found:
                    using (var decompressed = await DecompressAsync(body, cancellationToken).ConfigureAwait(false))
                    {
                        found = await CopyLiteralDataAsync(decompressed, plaintext, nested: true, signatures, otherPackets, cancellationToken).ConfigureAwait(false);
                    }

                    await body.SkipAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case OpenPgpPackets.TagLiteral when !found:
                    await CopyLiteralBodyAsync(body, plaintext, cancellationToken).ConfigureAwait(false);
                    found = true;
                    break;
                case OpenPgpPackets.TagSignature when signatures is not null:
                    otherPackets.Add();
                    signatures.Add(await ReadSignaturePacketAsync(header, body, cancellationToken).ConfigureAwait(false));
                    break;
                case OpenPgpPackets.TagOnePassSignature or OpenPgpPackets.TagSignature or OpenPgpPackets.TagMarker:
                    await otherPackets.SkipAsync(header, body, MaxSignaturePacket, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new MalformedMessageException(string.Create(CultureInfo.InvariantCulture, $"has an unexpected OpenPGP packet (tag {header.Tag}) inside its encrypted data"));
            }
        }

        return found;
    }

    /// <summary>A signature packet, re-framed with a new-format header, for the caller to parse and verify.</summary>
    private static async Task<byte[]> ReadSignaturePacketAsync(OpenPgpPacketHeader header, PacketBodyReadStream body, CancellationToken cancellationToken)
    {
        if (header.Partial || header.Indeterminate || header.Length is < 1 or > MaxSignaturePacket)
        {
            throw new MalformedMessageException("has a malformed signature packet (its length)");
        }

        var packet = new byte[OpenPgpPackets.MaxHeaderLength + header.Length];
        var headerLength = OpenPgpPackets.WriteHeader(packet, OpenPgpPackets.TagSignature, (int)header.Length);
        await body.ReadExactlyAsync(packet.AsMemory(headerLength, (int)header.Length), cancellationToken).ConfigureAwait(false);
        return packet[..(headerLength + (int)header.Length)];
    }

    private static async Task<Stream> DecompressAsync(PacketBodyReadStream body, CancellationToken cancellationToken)
    {
        var algorithm = new byte[1];
        await body.ReadExactlyAsync(algorithm, cancellationToken).ConfigureAwait(false);
        return algorithm[0] switch
        {
            0 => body,
            1 => new DeflateStream(body, CompressionMode.Decompress, leaveOpen: true),
            2 => new ZLibStream(body, CompressionMode.Decompress, leaveOpen: true),
            3 => throw new MalformedMessageException("is compressed with bzip2, which S3S2 refuses (a few kilobytes of bzip2 can expand to gigabytes); the sender should use zlib or no compression (gpg: --compress-algo zlib)"),
            _ => throw new MalformedMessageException(string.Create(CultureInfo.InvariantCulture, $"uses an unknown compression algorithm ({algorithm[0]})")),
        };
    }

    /// <summary>
    /// RFC 4880 section 5.9: format, file name and date (not used: the manifest names the file), then the data. Each
    /// piece is written on another thread while the next one is decrypted: what the output does (the receiver's
    /// SHA-256, the file write) then runs beside the decryption instead of after it. One write at a time, in order.
    /// </summary>
    private static async Task CopyLiteralBodyAsync(PacketBodyReadStream body, Stream plaintext, CancellationToken cancellationToken)
    {
        var (buffer, next) = (ArrayPool<byte>.Shared.Rent(CopyBufferSize), ArrayPool<byte>.Shared.Rent(CopyBufferSize));
        var writing = Task.CompletedTask;
        var used = 0;
        try
        {
            await body.ReadExactlyAsync(buffer.AsMemory(0, 2), cancellationToken).ConfigureAwait(false);
            await body.ReadExactlyAsync(buffer.AsMemory(0, buffer[1] + 4), cancellationToken).ConfigureAwait(false);
            int read;
            while ((read = await body.ReadAtLeastAsync(buffer.AsMemory(0, CopyBufferSize), CopyBufferSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
            {
                used = Math.Max(used, read);
                await WrittenAsync(writing).ConfigureAwait(false);
                var piece = buffer.AsMemory(0, read);
                writing = Task.Run(async () => await plaintext.WriteAsync(piece, cancellationToken).ConfigureAwait(false), CancellationToken.None);
                (buffer, next) = (next, buffer);
            }

            await WrittenAsync(writing).ConfigureAwait(false);
        }
        catch
        {
            // A read that failed may have filled any part of its buffer.
            used = CopyBufferSize;
            throw;
        }
        finally
        {
            // Never return (or hand a buffer back) while a write still reads it.
            await writing.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);

            // The plaintext may be the caller's secret: pooled buffers go back cleared as far as they were filled, at
            // least over the literal header's longest form (a short file's header reaches past its data).
            PlaintextBuffers.Return(buffer, Math.Max(used, 2 + 255 + 4));
            PlaintextBuffers.Return(next, Math.Max(used, 2 + 255 + 4));
        }
    }

    private static async Task WrittenAsync(Task writing)
    {
        try
        {
            await writing.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new PlaintextWriteFailure(ex);
        }
    }

    private byte[] RecoverSessionKey(List<(long KeyId, PublicKeyAlgorithmTag Algorithm, byte[] Fields)> sessionKeys, string description)
    {
        var recipients = new List<string>();
        var signingOnly = new List<string>();
        foreach (var (keyId, algorithm, fields) in sessionKeys)
        {
            if (keyId != 0)
            {
                var name = OpenPgpSecretKeys.FormatKeyId(keyId);
                recipients.Add(name);
                if (!_keys.Has(keyId))
                {
                    continue;
                }

                if (!_keys.MayDecrypt(keyId))
                {
                    signingOnly.Add(name);
                    continue;
                }

                var sessionKey = _keys.Decryptor(keyId).TryDecrypt(algorithm, fields, out var cipher)
                    ?? throw new IntegrityException($"{description}: the session key for secret key {name} does not decrypt; the message header is corrupt. Ask the sender to share it again.");
                return CheckCipher(sessionKey, cipher, description);
            }

            // A hidden recipient (gpg --throw-keyids): try each key that may decrypt; a wrong key fails the checksum.
            recipients.Add("hidden recipient");
            foreach (var candidate in _keys.EncryptionKeyIds)
            {
                if (_keys.Decryptor(candidate).TryDecrypt(algorithm, fields, out var cipher) is { } sessionKey)
                {
                    return CheckCipher(sessionKey, cipher, description);
                }
            }
        }

        if (signingOnly.Count > 0)
        {
            throw new EncryptionKeyException(
                $"{description} is encrypted to key(s) {string.Join(", ", signingOnly)}, which by their verified self-signatures may not encrypt (a sign-only primary key); S3S2 never decrypts with such a key. Ask the sender to encrypt to your encryption subkey (use your exported public key as it is).");
        }

        throw new EncryptionKeyException(
            $"{description} is encrypted to key(s) {string.Join(", ", recipients)}, none of which is among the configured secret keys ({string.Join(", ", _keys.KeyIds.Select(OpenPgpSecretKeys.FormatKeyId))}). Give the matching secret key (CLI: --pgp-secret-key FILE).");
    }

    /// <summary>Only AES session keys are accepted (RFC 4880 ids 7, 8, 9); anything else, id 0 (plaintext) included, is refused.</summary>
    private static byte[] CheckCipher(byte[] sessionKey, int cipher, string description)
    {
        var expectedLength = cipher switch
        {
            7 => 16,
            8 => 24,
            9 => 32,
            _ => 0,
        };
        if (expectedLength == 0)
        {
            CryptographicOperations.ZeroMemory(sessionKey);
            throw new IntegrityException(string.Create(
                CultureInfo.InvariantCulture,
                $"{description} is encrypted with session cipher id {cipher}; S3S2 accepts only AES-128, AES-192 and AES-256 (ids 7, 8, 9). Ask the sender to encrypt with AES-256 (gpg: --cipher-algo AES256)."));
        }

        if (sessionKey.Length != expectedLength)
        {
            CryptographicOperations.ZeroMemory(sessionKey);
            throw new MalformedMessageException("has a session key whose length does not match its cipher");
        }

        return sessionKey;
    }

    /// <summary>Carries an error of the plaintext output through the reader, so that it is not taken for a corrupt message.</summary>
    private sealed class PlaintextWriteFailure(Exception inner) : Exception(inner.Message, inner);

    /// <summary>Counts the packets of a message that are skipped or collected (<see cref="MaxOtherPackets"/>), and skips them.</summary>
    private sealed class PacketCount
    {
        private int _count;

        public void Add()
        {
            if (++_count > MaxOtherPackets)
            {
                throw new MalformedMessageException(string.Create(CultureInfo.InvariantCulture, $"has more than {MaxOtherPackets} packets besides its session keys and data (markers, signatures); it is refused rather than read"));
            }
        }

        /// <summary>Counts and skips one packet, which must have a definite length of at most <paramref name="maxLength"/> bytes.</summary>
        public async Task SkipAsync(OpenPgpPacketHeader header, PacketBodyReadStream body, int maxLength, CancellationToken cancellationToken)
        {
            Add();
            if (header.Partial || header.Indeterminate || header.Length > maxLength)
            {
                throw new MalformedMessageException(string.Create(CultureInfo.InvariantCulture, $"has a packet of tag {header.Tag} that is longer than {maxLength} bytes or of no stated length; no sender writes one, so it is refused rather than read"));
            }

            await body.SkipAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
