using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using S3S2.Sharing.IO;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Reads any standard OpenPGP message encrypted to one of the receiver's keys: binary or ASCII-armored, compressed or
/// not, signed or not (signatures are not checked). The stream is never seeked: its first bytes are peeked to tell armor
/// from binary (BouncyCastle's own detection needs a seekable stream). Messages without integrity protection are
/// refused before any plaintext is released; the MDC is verified after the literal data has been read to its end.
/// </summary>
internal sealed class OpenPgpDecryptor : IDecryptor
{
    internal const int BufferSize = 64 * 1024;
    private const int PeekSize = 64;

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

        // BouncyCastle's streams are synchronous; the work is CPU-bound and runs on this thread.
        var writing = false;
        try
        {
            var head = new byte[PeekSize];
            var length = await source.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var packets = OpenPackets(head, length, source, message.Description);
            Decrypt(packets, plaintext, message.Description, ref writing, cancellationToken);
        }
        catch (Exception ex) when (SourceReadStream.FailureIn(ex) is { } sourceFailure)
        {
            // The store or network failed, not the message: report that (a retry may succeed), not corruption.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(sourceFailure);
        }
        catch (Exception ex) when (ex is not (IntegrityException or EncryptionKeyException or OperationCanceledException or OutOfMemoryException) && !writing)
        {
            throw new IntegrityException($"{message.Description} is corrupt or truncated ({ex.Message}). Ask the sender to share it again.", ex);
        }
    }

    private static Stream OpenPackets(byte[] head, int length, Stream rest, string description)
    {
        if (length == 0)
        {
            throw new IntegrityException($"{description} is empty: it is not an OpenPGP message. Ask the sender to share it again.");
        }

        var joined = new PrefixedStream(head, length, rest);
        if ((head[0] & 0x80) != 0)
        {
            return joined;
        }

        var text = head.AsSpan(0, length).TrimStart(" \t\r\n"u8);
        if (text.StartsWith("-----BEGIN PGP MESSAGE-----"u8) || (text.Length < 27 && "-----BEGIN PGP MESSAGE-----"u8.StartsWith(text)))
        {
            return new ArmoredInputStream(joined);
        }

        // An AWS Encryption SDK message (version 2, suites 0x0478/0x0578) starts with these bytes.
        if (Kms.EsdkFormat.LooksLikeMessage(head.AsSpan(0, length)))
        {
            throw new IntegrityException($"{description} is a KMS envelope (AWS Encryption SDK) message where an OpenPGP message was expected. Check that it is the object the manifest lists.");
        }

        throw new IntegrityException($"{description} is not an OpenPGP message (neither binary packets nor '-----BEGIN PGP MESSAGE-----' armor). Check that it is the encrypted file.");
    }

    private void Decrypt(Stream packets, Stream plaintext, string description, ref bool writing, CancellationToken cancellationToken)
    {
        var factory = new PgpObjectFactory(packets);
        var first = factory.NextPgpObject();
        while (first is PgpMarker)
        {
            first = factory.NextPgpObject();
        }

        if (first is not PgpEncryptedDataList list)
        {
            throw new IntegrityException($"{description} is not encrypted (it opens with {first?.GetType().Name ?? "nothing"}). Ask the sender to encrypt it to your public key.");
        }

        var (data, privateKey) = SelectRecipient(list, description);
        if (!data.IsIntegrityProtected())
        {
            throw new IntegrityException($"{description} has no integrity protection (no MDC), so modifications could go unnoticed; it is refused. Ask the sender to encrypt with integrity protection (gpg does by default; S3S2 always does).");
        }

        Stream clear;
        try
        {
            clear = data.GetDataStream(privateKey);
        }
        catch (PgpException ex)
        {
            throw new IntegrityException($"{description}: the session key for secret key {OpenPgpSecretKeys.FormatKeyId(data.KeyId)} does not decrypt; the message header is corrupt. Ask the sender to share it again.", ex);
        }

        using (clear)
        {
            var inner = new PgpObjectFactory(clear);
            var item = inner.NextPgpObject();
            if (item is PgpCompressedData compressed)
            {
                inner = new PgpObjectFactory(compressed.GetDataStream());
                item = inner.NextPgpObject();
            }

            if (item is PgpOnePassSignatureList)
            {
                item = inner.NextPgpObject();
            }

            if (item is not PgpLiteralData literal)
            {
                throw new IntegrityException($"{description} holds no literal data (found {item?.GetType().Name ?? "nothing"}). Ask the sender to share it again.");
            }

            var buffer = new byte[BufferSize];
            using var content = literal.GetInputStream();
            int read;
            while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                writing = true;
                plaintext.Write(buffer, 0, read);
                writing = false;
            }

            // Verify reads what follows the literal data (trailing packets, the MDC) and checks the MDC over all of it.
            if (!data.Verify())
            {
                throw new IntegrityException($"{description} failed the integrity check (MDC mismatch): it was modified or is corrupt. Ask the sender to share it again.");
            }
        }
    }

    private (PgpPublicKeyEncryptedData Data, PgpPrivateKey Key) SelectRecipient(PgpEncryptedDataList list, string description)
    {
        var recipients = new List<string>();
        var passwordOnly = true;
        foreach (var item in list.GetEncryptedDataObjects())
        {
            if (item is not PgpPublicKeyEncryptedData data)
            {
                continue;
            }

            passwordOnly = false;
            if (data.KeyId != 0)
            {
                recipients.Add(OpenPgpSecretKeys.FormatKeyId(data.KeyId));
                if (_keys.Has(data.KeyId))
                {
                    return (data, _keys.Unlock(data.KeyId));
                }

                continue;
            }

            // A hidden recipient (gpg --throw-keyids): try each key; a wrong key fails the session key check.
            recipients.Add("hidden recipient");
            foreach (var keyId in _keys.EncryptionKeyIds)
            {
                var key = _keys.Unlock(keyId);
                try
                {
                    data.GetSymmetricAlgorithm(key);
                    return (data, key);
                }
                catch (Exception ex) when (ex is PgpException or InvalidCastException or ArgumentException or InvalidOperationException)
                {
                    // Not this key (another algorithm, or the session key check fails).
                }
            }
        }

        if (passwordOnly)
        {
            throw new EncryptionKeyException($"{description} is encrypted with a password only, not to a public key. Ask the sender to encrypt it to your public key.");
        }

        throw new EncryptionKeyException(
            $"{description} is encrypted to key(s) {string.Join(", ", recipients)}, none of which is among the configured secret keys ({string.Join(", ", _keys.KeyIds.Select(OpenPgpSecretKeys.FormatKeyId))}). Give the matching secret key (CLI: --pgp-secret-key FILE).");
    }
}
