using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using S3S2.Sharing.IO;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Receiving;
using static S3S2.Sharing.Diagnostics.UntrustedText;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>
/// Reads AWS Encryption SDK messages (format version 2, suites 0x0478 and 0x0578, framed), as written by this library
/// or the official SDKs, in bounded memory. Before any output: the header parses, a KMS key opens a data key, the key
/// commitment matches and the header authentication tag verifies. Each frame is written only after its tag verifies,
/// frames must come in order, the final frame must be present and nothing may follow the message. For 0x0578 the
/// signature is checked at the end: a caller that must not keep unsigned output writes to a temporary file and keeps
/// it only when this method returns.
/// </summary>
internal sealed class KmsEnvelopeDecryptor : IDecryptor, IDisposable
{
    private const int MaxHeaderLength = 1024 * 1024;

    /// <summary>The most distinct KMS keys whose data keys a message may make the receiver try (a message to more keys is rare).</summary>
    internal const int MaxKmsKeysTried = 8;

    private readonly Func<string, IAmazonKeyManagementService> _kmsForKey;
    private readonly KmsKeyFilter _allowed;
    private readonly KmsDecryptedKeyCache _dataKeys;

    /// <param name="kmsForKey">The KMS client to use for a key ARN.</param>
    /// <param name="allowed">The keys that may be used: KMS is never called with any other.</param>
    /// <param name="time">The clock bounding how long decrypted data keys are kept.</param>
    public KmsEnvelopeDecryptor(Func<string, IAmazonKeyManagementService> kmsForKey, KmsKeyFilter allowed, TimeProvider? time = null)
    {
        _kmsForKey = kmsForKey;
        _allowed = allowed;
        _dataKeys = new KmsDecryptedKeyCache(time ?? TimeProvider.System);
    }

    public void Dispose() => _dataKeys.Dispose();

    public string Mode => DecryptorSet.KmsEnvelopeMode;

    public IReadOnlyList<string> ObjectKeySuffixes { get; } = [KmsEnvelopeEncryptor.ObjectKeySuffix];

    /// <summary>
    /// For the receive side: a message of a share must carry that share's id in its context, and the file's path when
    /// it names one (messages written before data keys were shared across a share's files do; the path of newer ones
    /// is bound by the manifest's SHA-256).
    /// </summary>
    Task IDecryptor.DecryptAsync(Stream ciphertext, Stream plaintext, DecryptionMessage message, CancellationToken cancellationToken) =>
        DecryptAsync(
            ciphertext,
            plaintext,
            message.Context is { } context
                ? new Dictionary<string, string>(StringComparer.Ordinal) { [KmsEnvelopeEncryptor.ShareIdContextKey] = context.ShareId }
                : null,
            message.Context is { } pathContext
                ? new Dictionary<string, string>(StringComparer.Ordinal) { [KmsEnvelopeEncryptor.PathContextKey] = pathContext.RelativePath }
                : null,
            cancellationToken);

    /// <summary>Decrypts <paramref name="message"/> into <paramref name="output"/>; returns the message's encryption context.</summary>
    /// <param name="message">The message.</param>
    /// <param name="output">Receives the plaintext.</param>
    /// <param name="expectedContext">Pairs the message's context must hold; checked before KMS is called.</param>
    /// <param name="expectedIfPresent">Pairs whose keys, when the message's context holds them, must have these values; checked before KMS is called.</param>
    /// <param name="cancellationToken">Stops the decryption.</param>
    /// <exception cref="IntegrityException">The message was altered, truncated or its context differs from <paramref name="expectedContext"/>.</exception>
    /// <exception cref="EncryptionKeyException">No allowed KMS key could decrypt the data key.</exception>
    public async Task<IReadOnlyDictionary<string, string>> DecryptAsync(
        Stream message,
        Stream output,
        IReadOnlyDictionary<string, string>? expectedContext,
        IReadOnlyDictionary<string, string>? expectedIfPresent,
        CancellationToken cancellationToken)
    {
        var (header, headerBytes, body) = await ReadHeaderAsync(message, cancellationToken).ConfigureAwait(false);
        var context = header.EncryptionContext.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var signed = EsdkFormat.IsSigned(header.SuiteId);
        if (signed != context.ContainsKey(EsdkFormat.PublicKeyContextKey))
        {
            throw new IntegrityException(signed
                ? "The message uses a signed algorithm suite (0x0578) but its encryption context has no 'aws-crypto-public-key'. The message is malformed or altered."
                : "The message's encryption context holds 'aws-crypto-public-key' but its algorithm suite is unsigned. The message is malformed or altered.");
        }

        // The header is not authenticated yet, but KMS binds the data key to this very context: checking it first keeps
        // a message of another share or file from costing (or showing the receiver to) a KMS call.
        CheckContext(context, expectedContext, required: true);
        CheckContext(context, expectedIfPresent, required: false);

        // One attempt per KMS key (an AWS Encryption SDK writes one data key per key; the header is not authenticated
        // yet), and at most MaxKmsKeysTried keys: a planted header of 64 data keys cannot make 64 KMS calls per file.
        var candidates = header.EncryptedDataKeys
            .Where(k => k.ProviderId == EsdkFormat.KmsProviderId && _allowed.Allows(k.ProviderInfo))
            .DistinctBy(k => k.ProviderInfo, StringComparer.Ordinal)
            .Take(MaxKmsKeysTried)
            .ToList();
        if (candidates.Count == 0)
        {
            var named = string.Join(", ", header.EncryptedDataKeys.Select(k => $"{Printable(k.ProviderId)}:{Printable(k.ProviderInfo)}"));
            throw new EncryptionKeyException(
                $"The message's data key is encrypted under [{named}] but only {_allowed} may be used, so KMS was not called. "
                + "If the sender is a partner you trust, allow their key (AllowedKmsKeyIds; CLI: --kms-key ARN).");
        }

        var dataKey = await _dataKeys.GetAsync(
            KmsDecryptedKeyCache.KeyOf(candidates, context),
            token => KmsDataKeys.DecryptAsync(_kmsForKey, candidates, context, token),
            cancellationToken).ConfigureAwait(false);
        var commitKey = EsdkFormat.DeriveCommitKey(dataKey, header.MessageId);
        var key = EsdkFormat.DeriveEncryptionKey(dataKey, header.MessageId, header.SuiteId);
        CryptographicOperations.ZeroMemory(dataKey);
        if (!CryptographicOperations.FixedTimeEquals(commitKey, header.CommitKey))
        {
            CryptographicOperations.ZeroMemory(key);
            throw new IntegrityException("The message's key commitment does not match its data key: the header was altered or the data key belongs to another message. Nothing was decrypted.");
        }

        using var aes = new AesGcm(key, EsdkFormat.TagLength);
        CryptographicOperations.ZeroMemory(key);
        try
        {
            aes.Decrypt(new byte[EsdkFormat.IvLength], ReadOnlySpan<byte>.Empty, headerBytes.AsSpan(header.Length, EsdkFormat.TagLength), Span<byte>.Empty, headerBytes.AsSpan(0, header.Length));
        }
        catch (CryptographicException ex)
        {
            throw new IntegrityException("The message header failed authentication: it was altered. Nothing was decrypted.", ex);
        }

        using var verifier = signed ? ImportVerifier(context[EsdkFormat.PublicKeyContextKey]) : null;
        using var hash = signed ? IncrementalHash.CreateHash(HashAlgorithmName.SHA384) : null;
        hash?.AppendData(headerBytes);
        var reader = new BodyReader(body, hash);
        await DecryptFramesAsync(reader, output, aes, header, cancellationToken).ConfigureAwait(false);

        if (verifier is not null)
        {
            var lengthBytes = new byte[2];
            await reader.ReadAsync(lengthBytes, "the signature", hashed: false, cancellationToken).ConfigureAwait(false);
            var signature = new byte[BinaryPrimitives.ReadUInt16BigEndian(lengthBytes)];
            await reader.ReadAsync(signature, "the signature", hashed: false, cancellationToken).ConfigureAwait(false);
            if (!verifier.VerifyHash(hash!.GetHashAndReset(), signature, DSASignatureFormat.Rfc3279DerSequence))
            {
                throw new IntegrityException("The message's ECDSA signature does not verify: the message was altered after it was signed. Discard the output.");
            }
        }

        if (await body.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0)
        {
            throw new IntegrityException("Bytes follow the end of the message: it was altered or two messages were joined. Discard the output.");
        }

        return context;
    }

    private static void CheckContext(Dictionary<string, string> context, IReadOnlyDictionary<string, string>? expected, bool required)
    {
        foreach (var (name, value) in expected ?? new Dictionary<string, string>())
        {
            var found = context.TryGetValue(name, out var actual);
            if ((required || found) && !string.Equals(actual, value, StringComparison.Ordinal))
            {
                throw new IntegrityException(found
                    ? $"The message's encryption context has {name} = '{Printable(actual)}' where '{value}' was expected: it belongs to another share or file. Nothing was decrypted and KMS was not called."
                    : $"The message's encryption context has no {name}; '{value}' was expected: it was not written for this share. Nothing was decrypted and KMS was not called.");
            }
        }
    }

    private static ECDsa ImportVerifier(string publicKey)
    {
        byte[] compressed;
        try
        {
            compressed = Convert.FromBase64String(publicKey);
        }
        catch (FormatException ex)
        {
            throw new IntegrityException("The message's 'aws-crypto-public-key' is not base64.", ex);
        }

        return EsdkSignatures.ImportCompressedPublicKey(compressed)
            ?? throw new IntegrityException("The message's 'aws-crypto-public-key' is not a P-384 public key.");
    }

    private static async Task<(EsdkHeader Header, byte[] HeaderBytes, Stream Body)> ReadHeaderAsync(Stream message, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var filled = 0;
        while (true)
        {
            var header = EsdkHeader.TryParse(buffer.AsSpan(0, filled), out var problem);
            if (problem is not null)
            {
                throw new IntegrityException($"The message is not one this library reads: {problem}.");
            }

            if (header is not null && filled >= header.Length + EsdkFormat.TagLength)
            {
                var headerLength = header.Length + EsdkFormat.TagLength;
                var rest = buffer.AsSpan(headerLength, filled - headerLength).ToArray();
                return (header, buffer[..headerLength], new PrefixedStream(rest, rest.Length, message));
            }

            if (filled == buffer.Length)
            {
                if (buffer.Length >= MaxHeaderLength)
                {
                    throw new IntegrityException($"The message header is longer than {MaxHeaderLength} bytes; it is refused.");
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await message.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IntegrityException(filled == 0 ? "The message is empty." : "The message ends inside its header (truncated).");
            }

            filled += read;
        }
    }

    private static async Task DecryptFramesAsync(BodyReader reader, Stream output, AesGcm aes, EsdkHeader header, CancellationToken cancellationToken)
    {
        var frameLength = (int)header.FrameLength;
        var fields = new byte[4 + EsdkFormat.IvLength + 4];
        var content = new byte[frameLength + EsdkFormat.TagLength];
        var plaintext = new byte[frameLength];
        var aad = new byte[EsdkFormat.MaxFrameAadLength];
        var expectedIv = new byte[EsdkFormat.IvLength];
        try
        {
            for (uint expected = 1; ; expected++)
            {
                var where = string.Create(CultureInfo.InvariantCulture, $"frame {expected}");
                await reader.ReadAsync(fields.AsMemory(0, 4), where, hashed: true, cancellationToken).ConfigureAwait(false);
                var isFinal = BinaryPrimitives.ReadUInt32BigEndian(fields) == EsdkFormat.FinalFrameMarker;
                if (isFinal)
                {
                    await reader.ReadAsync(fields.AsMemory(0, 4), where, hashed: true, cancellationToken).ConfigureAwait(false);
                }

                var sequence = BinaryPrimitives.ReadUInt32BigEndian(fields);
                if (sequence != expected)
                {
                    throw new IntegrityException(string.Create(CultureInfo.InvariantCulture, $"Frame {sequence} came where frame {expected} was expected: frames were reordered, removed or repeated. Output up to frame {expected - 1} is authentic but incomplete; discard it."));
                }

                await reader.ReadAsync(fields.AsMemory(4, EsdkFormat.IvLength + (isFinal ? 4 : 0)), where, hashed: true, cancellationToken).ConfigureAwait(false);
                var length = frameLength;
                if (isFinal)
                {
                    var declared = BinaryPrimitives.ReadUInt32BigEndian(fields.AsSpan(4 + EsdkFormat.IvLength));
                    if (declared > (uint)frameLength)
                    {
                        throw new IntegrityException(string.Create(CultureInfo.InvariantCulture, $"The final frame declares {declared} bytes, more than the frame length {frameLength}: the message was altered."));
                    }

                    length = (int)declared;
                }

                EsdkFormat.FrameIv(sequence, expectedIv);
                if (!expectedIv.AsSpan().SequenceEqual(fields.AsSpan(4, EsdkFormat.IvLength)))
                {
                    throw new IntegrityException($"The IV of {where} is not its sequence number: the message was altered.");
                }

                await reader.ReadAsync(content.AsMemory(0, length + EsdkFormat.TagLength), where, hashed: true, cancellationToken).ConfigureAwait(false);
                var aadLength = EsdkFormat.FrameAad(header.MessageId, isFinal, sequence, length, aad);
                try
                {
                    aes.Decrypt(fields.AsSpan(4, EsdkFormat.IvLength), content.AsSpan(0, length), content.AsSpan(length, EsdkFormat.TagLength), plaintext.AsSpan(0, length), aad.AsSpan(0, aadLength));
                }
                catch (CryptographicException ex)
                {
                    throw new IntegrityException(
                        isFinal
                            ? $"The final frame ({where}) failed authentication: the message was altered, or a regular frame was made to look final. Discard the output."
                            : string.Create(CultureInfo.InvariantCulture, $"Frame {sequence} failed authentication: the message was altered. Its plaintext was not released; discard the output so far."),
                        ex);
                }

                await output.WriteAsync(plaintext.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                if (isFinal)
                {
                    return;
                }

                if (expected == EsdkFormat.FinalFrameMarker - 1)
                {
                    throw new IntegrityException("The message has more frames than the format allows.");
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Reads exact byte counts from the body, feeding the signature hash; the end of the stream there is truncation.</summary>
    private sealed class BodyReader(Stream body, IncrementalHash? hash)
    {
        public async Task ReadAsync(Memory<byte> target, string where, bool hashed, CancellationToken cancellationToken)
        {
            try
            {
                await body.ReadExactlyAsync(target, cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException ex)
            {
                throw new IntegrityException($"The message ends inside {where} (truncated): the final frame was not reached. Discard the output.", ex);
            }

            if (hashed)
            {
                hash?.AppendData(target.Span);
            }
        }
    }
}
