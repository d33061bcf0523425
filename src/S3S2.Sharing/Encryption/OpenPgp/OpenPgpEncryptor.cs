using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using S3S2.Sharing.IO;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Writes binary OpenPGP messages (RFC 4880): one public-key encrypted session key per recipient, then one
/// integrity-protected data packet (AES-256, MDC) holding a binary literal data packet, optionally inside a zlib
/// compressed packet. The data layer runs on .NET's AES and SHA-1 (hardware) with partial body lengths, so memory
/// does not grow with the file; gpg and OpenPGP.js read the result (see the interop tests).
/// </summary>
internal sealed class OpenPgpEncryptor : IEncryptor
{
    internal const int BufferSize = 64 * 1024;

    /// <summary>The partial-length chunk of the literal and compressed packets: large, so the MDC hashes in large pieces.</summary>
    private const int LiteralChunkSize = 256 * 1024;

    /// <summary>The extension of OpenPGP objects (binary messages, as gpg writes them).</summary>
    public const string ObjectKeySuffix = ".gpg";

    private const int Aes256 = 9;
    private const int SessionKeyLength = 32;
    private const byte Zlib = 2;

    /// <summary>Ciphertext is handed to the output in pieces of about this size (the inner layers are synchronous).</summary>
    private const int FlushThreshold = 256 * 1024;

    /// <summary>
    /// The plaintext is read in pieces of this size (pooled): a read (and the share's SHA-256 behind it) is a hand-off
    /// to another thread, so large reads mean few of them, and whole literal chunks then pass the packet layer uncopied.
    /// </summary>
    private const int ReadSize = 1024 * 1024;

    private readonly IReadOnlyList<OpenPgpRecipient> _recipients;
    private readonly OpenPgpCompression _compression;
    private readonly int _compressionLevel;

    public OpenPgpEncryptor(IReadOnlyList<OpenPgpRecipient> recipients, OpenPgpCompression compression, int compressionLevel = OpenPgpEncryptionOptions.DefaultCompressionLevel)
    {
        if (recipients.Count == 0)
        {
            throw new ArgumentException("At least one recipient is required.", nameof(recipients));
        }

        _recipients = recipients;
        _compression = compression;
        _compressionLevel = compressionLevel;
        Descriptor = new EncryptionDescriptor(
            "openpgp",
            ObjectKeySuffix,
            recipients.Select(r => r.Fingerprint).ToArray(),
            compression == OpenPgpCompression.Zlib ? "zlib" : "none");
    }

    public EncryptionDescriptor Descriptor { get; }

    public Task EncryptAsync(Stream plaintext, Stream ciphertext, EncryptionContext context, CancellationToken cancellationToken = default) =>
        EncryptAsync(plaintext, ciphertext, context, signer: null, cancellationToken);

    /// <summary>
    /// With a <paramref name="signer"/>, the message is one-pass signed inside the encryption, as <c>gpg --sign --encrypt</c>
    /// writes it: a one-pass signature packet, the literal data, then the signature over the literal data's content.
    /// </summary>
    internal async Task EncryptAsync(Stream plaintext, Stream ciphertext, EncryptionContext context, Signing.ManifestSigningKey? signer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(context);

        // The share's hand-off takes the packets' synchronous writes into its own pooled segments; any other stream
        // gets them collected here and written asynchronously.
        var handOff = ciphertext as BufferHandOffWriteStream;
        var pending = handOff is null ? new MemoryStream(BufferSize) : null;
        Stream sink = (Stream?)pending ?? handOff!;
        var sessionInfo = new byte[1 + SessionKeyLength + 2];
        try
        {
            sessionInfo[0] = Aes256;
            var sessionKey = sessionInfo.AsSpan(1, SessionKeyLength);
            RandomNumberGenerator.Fill(sessionKey);
            var checksum = 0;
            foreach (var b in sessionKey)
            {
                checksum += b;
            }

            BinaryPrimitives.WriteUInt16BigEndian(sessionInfo.AsSpan(1 + SessionKeyLength), (ushort)checksum);
            foreach (var recipient in _recipients)
            {
                recipient.SessionKeys.WritePacket(sessionInfo, sink);
            }

            using var encrypted = new SeipdWriteStream(sink, sessionKey, BufferSize);
            CryptographicOperations.ZeroMemory(sessionInfo);

            using var compressedPacket = _compression == OpenPgpCompression.Zlib
                ? new PartialLengthWriteStream(encrypted, OpenPgpPackets.TagCompressed, LiteralChunkSize)
                : null;
            compressedPacket?.WriteByte(Zlib);

            // Still one zlib stream (algorithm 2, read by every OpenPGP implementation), deflated on every core.
            using var zlib = compressedPacket is null ? null : new ParallelZLibStream(compressedPacket, _compressionLevel);
            Stream literalTarget = (Stream?)zlib ?? encrypted;

            var signature = signer?.Begin();
            signature?.GenerateOnePassVersion(false).Encode(literalTarget);
            using var literal = new PartialLengthWriteStream(literalTarget, OpenPgpPackets.TagLiteral, LiteralChunkSize);
            WriteLiteralHeader(literal, FileNameOf(context.RelativePath));

            // The next read (and whatever the source does on it, such as the share's SHA-256) runs while this block is
            // encrypted: reading ahead by one buffer keeps both cores busy.
            var (buffer, next) = (ArrayPool<byte>.Shared.Rent(ReadSize), ArrayPool<byte>.Shared.Rent(ReadSize));
            var reading = plaintext.ReadAsync(buffer.AsMemory(0, ReadSize), cancellationToken).AsTask();
            var used = 0;
            try
            {
                int read;
                while ((read = await reading.ConfigureAwait(false)) > 0)
                {
                    used = Math.Max(used, read);
                    reading = plaintext.ReadAsync(next.AsMemory(0, ReadSize), cancellationToken).AsTask();
                    literal.Write(buffer, 0, read);
                    signature?.Update(buffer, 0, read);
                    (buffer, next) = (next, buffer);
                    await FlushAsync(pending, ciphertext, final: false, cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                // Never leave a read running on the caller's stream once this call has ended.
                await reading.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                used = ReadSize;
                throw;
            }
            finally
            {
                // The plaintext may be the caller's secret: pooled buffers go back cleared (as far as reads filled them).
                PlaintextBuffers.Return(buffer, used);
                PlaintextBuffers.Return(next, used);
            }

            literal.Complete();
            signature?.Generate().Encode(literalTarget);
            if (zlib is not null)
            {
                zlib.Complete();
                compressedPacket!.Complete();
            }

            encrypted.Complete();
            await FlushAsync(pending, ciphertext, final: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionInfo);
        }
    }

    /// <summary>Hands the ciphertext written so far on (or, into the share's hand-off, waits for room there).</summary>
    private static async Task FlushAsync(MemoryStream? pending, Stream ciphertext, bool final, CancellationToken cancellationToken)
    {
        if (pending is null)
        {
            await ciphertext.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (final || pending.Length >= FlushThreshold)
        {
            await ciphertext.WriteAsync(pending.GetBuffer().AsMemory(0, (int)pending.Length), cancellationToken).ConfigureAwait(false);
            pending.SetLength(0);
        }
    }

    /// <summary>RFC 4880 section 5.9: binary format, the file name (at most 255 bytes of UTF-8), the current time.</summary>
    private static void WriteLiteralHeader(Stream literal, string fileName)
    {
        var name = Encoding.UTF8.GetBytes(fileName);
        var nameLength = name.Length <= 255 ? name.Length : Utf8PrefixLength(name, 255);
        Span<byte> header = stackalloc byte[2 + 255 + 4];
        header[0] = (byte)'b';
        header[1] = (byte)nameLength;
        name.AsSpan(0, nameLength).CopyTo(header[2..]);
        BinaryPrimitives.WriteUInt32BigEndian(header[(2 + nameLength)..], (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        literal.Write(header[..(2 + nameLength + 4)]);
    }

    /// <summary>The longest prefix of at most <paramref name="limit"/> bytes that does not cut a UTF-8 sequence.</summary>
    private static int Utf8PrefixLength(byte[] utf8, int limit)
    {
        var length = limit;
        while (length > 0 && (utf8[length] & 0xC0) == 0x80)
        {
            length--;
        }

        return length;
    }

    private static string FileNameOf(string relativePath)
    {
        var slash = relativePath.LastIndexOf('/');
        return slash < 0 ? relativePath : relativePath[(slash + 1)..];
    }
}
