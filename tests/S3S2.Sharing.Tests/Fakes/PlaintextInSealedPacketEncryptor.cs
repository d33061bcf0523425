using System.Buffers.Binary;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Tests;

/// <summary>
/// A rogue encryptor that passes every header check: it writes the genuine session-key packets the real encryptor
/// writes for the configured recipients, then an integrity-protected data packet (tag 18, version 1, well-formed
/// partial lengths) whose content is the plaintext itself, after <paramref name="randomPrefix"/> random bytes (so the
/// plaintext comes only after a multipart upload has begun). With <paramref name="manifestOnly"/> it encrypts files
/// properly and writes only the manifest in the clear.
/// </summary>
internal sealed class PlaintextInSealedPacketEncryptor(IReadOnlyList<OpenPgpRecipient> recipients, int randomPrefix = 0, bool manifestOnly = false) : IEncryptor
{
    private const int ChunkLength = 64 * 1024;

    public EncryptionDescriptor Descriptor { get; } = new OpenPgpEncryptor(recipients, OpenPgpCompression.None).Descriptor;

    public async Task EncryptAsync(Stream plaintext, Stream ciphertext, EncryptionContext context, CancellationToken cancellationToken = default)
    {
        if (manifestOnly && context.RelativePath != S3S2.Sharing.Sharing.ShareClient.ManifestContextPath)
        {
            await new OpenPgpEncryptor(recipients, OpenPgpCompression.None).EncryptAsync(plaintext, ciphertext, context, cancellationToken);
            return;
        }

        using var genuine = new MemoryStream();
        await new OpenPgpEncryptor(recipients, OpenPgpCompression.None).EncryptAsync(new MemoryStream(), genuine, context, cancellationToken);
        await ciphertext.WriteAsync(SessionKeyPackets(genuine.ToArray()), cancellationToken);

        // Version 1, then the plaintext, then 22 bytes standing in for the MDC packet.
        using var content = new MemoryStream();
        content.WriteByte(1);
        content.Write(Infrastructure.TestData.Random(randomPrefix, 1));
        await plaintext.CopyToAsync(content, cancellationToken);
        content.Write(new byte[22]);
        await WriteDataPacketAsync(content.ToArray(), ciphertext, cancellationToken);
    }

    /// <summary>Writes a tag-18 packet: 64 KiB partial chunks, then a definite last length.</summary>
    internal static async Task WriteDataPacketAsync(byte[] content, Stream output, CancellationToken cancellationToken = default)
    {
        output.WriteByte(0xC0 | 18);
        var position = 0;
        while (content.Length - position > ChunkLength)
        {
            output.WriteByte(0xE0 | 16);
            await output.WriteAsync(content.AsMemory(position, ChunkLength), cancellationToken);
            position += ChunkLength;
        }

        // The last length is definite (five-byte form), whether or not partial chunks came before it.
        var last = new byte[5];
        last[0] = 0xFF;
        BinaryPrimitives.WriteInt32BigEndian(last.AsSpan(1), content.Length - position);
        await output.WriteAsync(last, cancellationToken);
        await output.WriteAsync(content.AsMemory(position), cancellationToken);
    }

    /// <summary>The bytes before the first tag-18 packet of a message (its session-key packets).</summary>
    internal static byte[] SessionKeyPackets(byte[] message)
    {
        var position = 0;
        while (true)
        {
            var first = message[position];
            var isNew = (first & 0x40) != 0;
            var tag = isNew ? first & 0x3F : (first >> 2) & 0x0F;
            if (tag == 18)
            {
                return message[..position];
            }

            int header;
            long length;
            if (isNew)
            {
                var b = message[position + 1];
                (header, length) = b < 192 ? (2, (long)b) : b < 224 ? (3, ((b - 192) << 8) + message[position + 2] + 192L) : (6, (long)BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(position + 2)));
            }
            else
            {
                (header, length) = (first & 3) switch
                {
                    0 => (2, (long)message[position + 1]),
                    1 => (3, (long)BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(position + 1))),
                    _ => (5, (long)BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(position + 1))),
                };
            }

            position += header + (int)length;
        }
    }
}
