using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Writes binary OpenPGP messages (RFC 4880): one public-key encrypted session key per recipient, AES-256,
/// integrity protected (MDC), optionally zlib-compressed. Streams: memory does not grow with the file.
/// </summary>
internal sealed class OpenPgpEncryptor : IEncryptor
{
    internal const int BufferSize = 64 * 1024;

    /// <summary>The extension of OpenPGP objects (binary messages, as gpg writes them).</summary>
    public const string ObjectKeySuffix = ".gpg";

    private readonly IReadOnlyList<OpenPgpRecipient> _recipients;
    private readonly OpenPgpCompression _compression;

    public OpenPgpEncryptor(IReadOnlyList<OpenPgpRecipient> recipients, OpenPgpCompression compression)
    {
        if (recipients.Count == 0)
        {
            throw new ArgumentException("At least one recipient is required.", nameof(recipients));
        }

        _recipients = recipients;
        _compression = compression;
        Descriptor = new EncryptionDescriptor(
            "openpgp",
            ObjectKeySuffix,
            recipients.Select(r => r.Fingerprint).ToArray(),
            compression == OpenPgpCompression.Zlib ? "zlib" : "none");
    }

    public EncryptionDescriptor Descriptor { get; }

    public async Task EncryptAsync(Stream plaintext, Stream ciphertext, EncryptionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(context);

        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: true, new SecureRandom());
        foreach (var recipient in _recipients)
        {
            generator.AddMethod(recipient.EncryptionKey);
        }

        // Partial-length packets: the message is written as it is produced, so its size need not be known.
        using (var encrypted = generator.Open(ciphertext, new byte[BufferSize]))
        {
            var compressor = _compression == OpenPgpCompression.Zlib ? new PgpCompressedDataGenerator(CompressionAlgorithmTag.ZLib) : null;
            var literalTarget = compressor is null ? encrypted : compressor.Open(encrypted, new byte[BufferSize]);
            using (var literal = new PgpLiteralDataGenerator().Open(
                       literalTarget, PgpLiteralData.Binary, FileNameOf(context.RelativePath), DateTime.UtcNow, new byte[BufferSize]))
            {
                // BouncyCastle streams are synchronous: read asynchronously, write synchronously.
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await plaintext.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    literal.Write(buffer, 0, read);
                }
            }

            if (compressor is not null)
            {
                literalTarget.Dispose();
            }
        }
    }

    private static string FileNameOf(string relativePath)
    {
        var slash = relativePath.LastIndexOf('/');
        return slash < 0 ? relativePath : relativePath[(slash + 1)..];
    }
}
