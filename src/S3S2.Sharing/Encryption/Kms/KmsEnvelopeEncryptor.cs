using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using S3S2.Sharing.IO;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>
/// Writes AWS Encryption SDK messages (format version 2, framed, key commitment): a data key from KMS shared by the
/// messages of a share within the reuse bounds (see <see cref="KmsDataKeyCache"/>), one encrypted data key per
/// configured KMS key, the share id in the encryption context; a fresh message id, so a fresh derived key, per message.
/// Streams: memory holds two pieces of about 1 MiB of plaintext and one of ciphertext, whatever the file size.
/// </summary>
internal sealed class KmsEnvelopeEncryptor : IEncryptor, IDisposable
{
    /// <summary>The object key suffix of KMS envelope messages (as the AWS Encryption CLI names its output).</summary>
    public const string ObjectKeySuffix = ".encrypted";

    /// <summary>The encryption context key holding the share id.</summary>
    public const string ShareIdContextKey = "s3s2:share-id";

    /// <summary>The encryption context key holding the file's relative path (or <c>manifest.json</c>).</summary>
    public const string PathContextKey = "s3s2:path";

    private readonly Lazy<IAmazonKeyManagementService> _kms;
    private readonly bool _ownsClient;
    private readonly Action? _abandonClient;
    private readonly IReadOnlyList<string> _keyIds;
    private readonly ushort _suiteId;
    private readonly int _frameLength;
    private readonly IReadOnlyDictionary<string, string> _extraContext;
    private readonly KmsDataKeyCache _dataKeys;

    /// <summary>The plaintext is read (and the frames written) in pieces of about this size: whole frames, at least one.</summary>
    private const int ReadSize = 1024 * 1024;

    /// <summary>The most a frame adds to its content: final-frame marker, sequence number, IV, content length, tag.</summary>
    private const int MaxFrameOverhead = 4 + 4 + EsdkFormat.IvLength + 4 + EsdkFormat.TagLength;

    public KmsEnvelopeEncryptor(
        IAmazonKeyManagementService kms,
        bool ownsClient,
        IReadOnlyList<string> keyIds,
        KmsAlgorithmSuite suite,
        int frameLength,
        IReadOnlyDictionary<string, string> extraContext,
        KmsDataKeyCache? dataKeys = null)
        : this(new Lazy<IAmazonKeyManagementService>(() => kms), ownsClient, abandonClient: null, keyIds, suite, frameLength, extraContext, dataKeys)
    {
    }

    /// <summary>
    /// An encryptor whose KMS client is taken at its first KMS call (one being built by
    /// <see cref="KmsEnvelopeEncryptionOptions.Preload"/>); <paramref name="abandonClient"/> is called, when not
    /// <see langword="null"/>, if it is disposed before that call.
    /// </summary>
    public KmsEnvelopeEncryptor(
        Lazy<IAmazonKeyManagementService> kms,
        bool ownsClient,
        Action? abandonClient,
        IReadOnlyList<string> keyIds,
        KmsAlgorithmSuite suite,
        int frameLength,
        IReadOnlyDictionary<string, string> extraContext,
        KmsDataKeyCache? dataKeys = null)
    {
        if (keyIds.Count == 0)
        {
            throw new ArgumentException("At least one KMS key is required.", nameof(keyIds));
        }

        _kms = kms;
        _ownsClient = ownsClient;
        _abandonClient = abandonClient;
        _keyIds = keyIds;
        _suiteId = (ushort)suite;
        _frameLength = frameLength;
        _extraContext = extraContext;
        _dataKeys = dataKeys ?? new KmsDataKeyCache(
            KmsEnvelopeEncryptionOptions.DefaultMaxMessagesPerDataKey,
            KmsEnvelopeEncryptionOptions.DefaultMaxBytesPerDataKey,
            KmsEnvelopeEncryptionOptions.DefaultMaxDataKeyAge,
            TimeProvider.System);
        Descriptor = new EncryptionDescriptor("kms-envelope", ObjectKeySuffix, keyIds.ToArray(), "none");
    }

    public EncryptionDescriptor Descriptor { get; }

    public async Task EncryptAsync(Stream plaintext, Stream ciphertext, EncryptionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(context);

        // The path stays out of the context so that every message of a share has the one KMS binds the shared data key to.
        var pairs = new Dictionary<string, string>(_extraContext, StringComparer.Ordinal) { [ShareIdContextKey] = context.ShareId };
        var contextKey = Convert.ToBase64String(EsdkFormat.SerializeContext(pairs));
        using var lease = await _dataKeys.AcquireAsync(contextKey, token => GenerateMaterialsAsync(pairs, token), cancellationToken).ConfigureAwait(false);
        var materials = lease.Materials;
        var signer = lease.Signer;

        // A fresh message id per message: its own derived key and commitment, whatever data key it shares.
        var messageId = RandomNumberGenerator.GetBytes(EsdkFormat.MessageIdLength);
        var key = EsdkFormat.DeriveEncryptionKey(lease.DataKey, messageId, _suiteId);
        var commitKey = EsdkFormat.DeriveCommitKey(lease.DataKey, messageId);

        using var hash = signer is null ? null : new BackgroundHash(HashAlgorithmName.SHA384);
        using var aes = new AesGcm(key, EsdkFormat.TagLength);
        CryptographicOperations.ZeroMemory(key);

        var header = WriteHeader(messageId, materials.Context, materials.EncryptedDataKeys, commitKey);
        var headerTag = new byte[EsdkFormat.TagLength];
        aes.Encrypt(new byte[EsdkFormat.IvLength], ReadOnlySpan<byte>.Empty, Span<byte>.Empty, headerTag, header);
        await WriteAsync(ciphertext, header, hash, cancellationToken).ConfigureAwait(false);
        await WriteAsync(ciphertext, headerTag, hash, cancellationToken).ConfigureAwait(false);

        await WriteFramesAsync(plaintext, ciphertext, aes, messageId, hash, lease, cancellationToken).ConfigureAwait(false);

        if (signer is not null)
        {
            var signature = signer.SignHash(hash!.GetHashAndReset(), DSASignatureFormat.Rfc3279DerSequence);
            var footer = new byte[2 + signature.Length];
            BinaryPrimitives.WriteUInt16BigEndian(footer, (ushort)signature.Length);
            signature.CopyTo(footer, 2);
            await ciphertext.WriteAsync(footer, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _dataKeys.Dispose();
        if (!_ownsClient)
        {
            return;
        }

        if (_abandonClient is null || _kms.IsValueCreated)
        {
            _kms.Value.Dispose();
        }
        else
        {
            _abandonClient();
        }
    }

    /// <summary>Asks KMS for a data key (and makes the signing key of a signed suite) for one encryption context.</summary>
    private async Task<KmsEncryptionMaterials> GenerateMaterialsAsync(Dictionary<string, string> sharedPairs, CancellationToken cancellationToken)
    {
        var pairs = new Dictionary<string, string>(sharedPairs, StringComparer.Ordinal);
        ECParameters? signingKey = null;
        if (EsdkFormat.IsSigned(_suiteId))
        {
            using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            pairs[EsdkFormat.PublicKeyContextKey] = Convert.ToBase64String(EsdkSignatures.CompressedPublicKey(signer));
            signingKey = signer.ExportParameters(includePrivateParameters: true);
        }

        // A client still being built ahead (see KmsEnvelopeEncryptionOptions.Preload) is waited for off the caller's thread.
        var kms = _abandonClient is null || _kms.IsValueCreated ? _kms.Value : await Task.Run(() => _kms.Value, cancellationToken).ConfigureAwait(false);
        var (dataKey, encryptedDataKeys) = await KmsDataKeys.GenerateAsync(kms, _keyIds, pairs, cancellationToken).ConfigureAwait(false);
        return new KmsEncryptionMaterials(dataKey, encryptedDataKeys, pairs, signingKey);
    }

    private static async Task WriteAsync(Stream target, ReadOnlyMemory<byte> bytes, BackgroundHash? hash, CancellationToken cancellationToken)
    {
        hash?.Append(bytes.Span);
        await target.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private byte[] WriteHeader(byte[] messageId, IReadOnlyDictionary<string, string> pairs, IReadOnlyList<EsdkEncryptedDataKey> encryptedDataKeys, byte[] commitKey)
    {
        using var header = new MemoryStream();
        header.WriteByte(EsdkFormat.Version);
        EsdkFormat.WriteUInt16(header, _suiteId, "suite");
        header.Write(messageId);
        var serializedContext = EsdkFormat.SerializeContext(pairs);
        EsdkFormat.WriteUInt16(header, serializedContext.Length, "encryption context bytes");
        header.Write(serializedContext);
        EsdkFormat.WriteUInt16(header, encryptedDataKeys.Count, "encrypted data keys");
        foreach (var dataKey in encryptedDataKeys)
        {
            WriteLengthPrefixed(header, System.Text.Encoding.UTF8.GetBytes(dataKey.ProviderId));
            WriteLengthPrefixed(header, System.Text.Encoding.UTF8.GetBytes(dataKey.ProviderInfo));
            WriteLengthPrefixed(header, dataKey.Ciphertext);
        }

        header.WriteByte(EsdkFormat.ContentTypeFramed);
        Span<byte> frameLength = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(frameLength, (uint)_frameLength);
        header.Write(frameLength);
        header.Write(commitKey);
        return header.ToArray();
    }

    private static void WriteLengthPrefixed(Stream stream, byte[] bytes)
    {
        EsdkFormat.WriteUInt16(stream, bytes.Length, "bytes in an encrypted data key field");
        stream.Write(bytes);
    }

    /// <summary>
    /// Reads about 1 MiB of whole frames at a time and one such piece ahead, so the next read (and the share's SHA-256
    /// behind it, on another thread) runs while this piece is encrypted; the last frame is known before it is written:
    /// it is written as the final frame (possibly a full one; empty only for an empty plaintext). The frames of a piece
    /// go out in one write, and the footer's SHA-384 of them runs on another thread (<see cref="BackgroundHash"/>).
    /// </summary>
    private async Task WriteFramesAsync(Stream plaintext, Stream ciphertext, AesGcm aes, byte[] messageId, BackgroundHash? hash, KmsDataKeyCache.Lease lease, CancellationToken cancellationToken)
    {
        var framesPerPiece = Math.Max(1, ReadSize / _frameLength);
        var pieceLength = framesPerPiece * _frameLength;
        var current = ArrayPool<byte>.Shared.Rent(pieceLength);
        var next = ArrayPool<byte>.Shared.Rent(pieceLength);
        var pieceCapacity = framesPerPiece * (_frameLength + MaxFrameOverhead);

        // Into the share's hand-off, the frames are encrypted straight into its segment: no copy on the way out.
        var handOff = (ciphertext as BufferHandOffWriteStream)?.HandOff;
        var frames = handOff is null ? ArrayPool<byte>.Shared.Rent(pieceCapacity) : null;
        var aad = new byte[EsdkFormat.MaxFrameAadLength];
        var currentLength = 0;
        var filled = 0;
        Task<int>? reading = null;
        try
        {
            currentLength = await plaintext.ReadAtLeastAsync(current.AsMemory(0, pieceLength), pieceLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            filled = currentLength;
            for (uint sequence = 1; ; )
            {
                // A piece shorter than asked for is the end of the plaintext: nothing to read after it.
                reading = currentLength < pieceLength
                    ? Task.FromResult(0)
                    : plaintext.ReadAtLeastAsync(next.AsMemory(0, pieceLength), pieceLength, throwOnEndOfStream: false, cancellationToken).AsTask();
                var written = 0;
                var offset = 0;
                var target = handOff?.GetMemory(pieceCapacity) ?? frames.AsMemory(0, pieceCapacity);

                // Every frame but the piece's last has more plaintext after it, so it is a regular frame.
                while (currentLength - offset > _frameLength)
                {
                    CheckSequence(sequence, isFinal: false);
                    written += EncryptFrame(aes, messageId, sequence++, isFinal: false, current.AsSpan(offset, _frameLength), target.Span[written..], aad);
                    offset += _frameLength;
                    lease.AddBytes(_frameLength);
                }

                var nextLength = await reading.ConfigureAwait(false);
                reading = null;
                filled = Math.Max(filled, nextLength);
                var isFinal = nextLength == 0;
                CheckSequence(sequence, isFinal);

                written += EncryptFrame(aes, messageId, sequence++, isFinal, current.AsSpan(offset, currentLength - offset), target.Span[written..], aad);
                lease.AddBytes(currentLength - offset);
                if (handOff is null)
                {
                    await WriteAsync(ciphertext, target[..written], hash, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    hash?.Append(target.Span[..written]);
                    handOff.Advance(written);
                    await handOff.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                }

                if (isFinal)
                {
                    return;
                }

                (current, next) = (next, current);
                currentLength = nextLength;
            }
        }
        finally
        {
            if (reading is not null)
            {
                // Never leave a read running on the caller's stream (nor filling a returned buffer) once this call has ended.
                await reading.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                filled = pieceLength;
            }

            // The plaintext may be the caller's secret: pooled buffers go back cleared (as far as reads filled them).
            PlaintextBuffers.Return(current, filled);
            PlaintextBuffers.Return(next, filled);
            if (frames is not null)
            {
                ArrayPool<byte>.Shared.Return(frames);
            }
        }
    }

    private void CheckSequence(uint sequence, bool isFinal)
    {
        if (!isFinal && sequence == EsdkFormat.FinalFrameMarker - 1)
        {
            throw new InvalidOperationException($"The plaintext needs more than {EsdkFormat.FinalFrameMarker - 1} frames of {_frameLength} bytes. Use a larger FrameLength.");
        }
    }

    private static int EncryptFrame(AesGcm aes, byte[] messageId, uint sequence, bool isFinal, ReadOnlySpan<byte> content, Span<byte> frame, Span<byte> aad)
    {
        var position = 0;
        if (isFinal)
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame, EsdkFormat.FinalFrameMarker);
            position = 4;
        }

        BinaryPrimitives.WriteUInt32BigEndian(frame[position..], sequence);
        position += 4;
        var iv = frame.Slice(position, EsdkFormat.IvLength);
        EsdkFormat.FrameIv(sequence, iv);
        position += EsdkFormat.IvLength;
        if (isFinal)
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame[position..], (uint)content.Length);
            position += 4;
        }

        var aadLength = EsdkFormat.FrameAad(messageId, isFinal, sequence, content.Length, aad);
        aes.Encrypt(iv, content, frame.Slice(position, content.Length), frame.Slice(position + content.Length, EsdkFormat.TagLength), aad[..aadLength]);
        return position + content.Length + EsdkFormat.TagLength;
    }
}
