using System.Buffers.Binary;
using System.Globalization;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>One packet header (RFC 4880 section 4.2), old or new format, read from a forward-only stream.</summary>
/// <param name="Tag">The packet tag.</param>
/// <param name="Length">The body length, or the first chunk's length when <paramref name="Partial"/>; -1 when indeterminate.</param>
/// <param name="Partial">Whether more chunks follow (a new-format partial body length).</param>
internal readonly record struct OpenPgpPacketHeader(int Tag, long Length, bool Partial)
{
    /// <summary>Gets whether the body runs to the end of the enclosing stream (old format, length type 3).</summary>
    public bool Indeterminate => Length < 0;

    /// <summary>Reads a header; returns <see langword="null"/> at the end of the stream.</summary>
    public static async ValueTask<OpenPgpPacketHeader?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4];
        if (await stream.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) == 0)
        {
            return null;
        }

        var first = buffer[0];
        if ((first & 0x80) == 0)
        {
            throw new MalformedMessageException(string.Create(CultureInfo.InvariantCulture, $"has a malformed OpenPGP packet header (octet 0x{first:X2})"));
        }

        if ((first & 0x40) != 0)
        {
            var (length, partial) = await ReadNewLengthAsync(stream, buffer, cancellationToken).ConfigureAwait(false);
            return new OpenPgpPacketHeader(first & 0x3F, length, partial);
        }

        var tag = (first >> 2) & 0x0F;
        switch (first & 0x03)
        {
            case 0:
                await stream.ReadExactlyAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
                return new OpenPgpPacketHeader(tag, buffer[0], false);
            case 1:
                await stream.ReadExactlyAsync(buffer.AsMemory(0, 2), cancellationToken).ConfigureAwait(false);
                return new OpenPgpPacketHeader(tag, BinaryPrimitives.ReadUInt16BigEndian(buffer), false);
            case 2:
                await stream.ReadExactlyAsync(buffer.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
                return new OpenPgpPacketHeader(tag, BinaryPrimitives.ReadUInt32BigEndian(buffer), false);
            default:
                return new OpenPgpPacketHeader(tag, -1, false);
        }
    }

    /// <summary>Reads a new-format body length synchronously (see <see cref="ReadNewLengthAsync"/>).</summary>
    public static (long Length, bool Partial) ReadNewLength(Stream stream, byte[] scratch)
    {
        stream.ReadExactly(scratch.AsSpan(0, 1));
        var first = scratch[0];
        if (first is >= 192 and < 224)
        {
            stream.ReadExactly(scratch.AsSpan(0, 1));
            return (((first - 192) << 8) + scratch[0] + 192, false);
        }

        if (first == 255)
        {
            stream.ReadExactly(scratch.AsSpan(0, 4));
            return (BinaryPrimitives.ReadUInt32BigEndian(scratch), false);
        }

        return first < 192 ? (first, false) : (1L << (first & 0x1F), true);
    }

    /// <summary>Reads a new-format body length (RFC 4880 section 4.2.2): one, two or five octets, or a partial length.</summary>
    public static async ValueTask<(long Length, bool Partial)> ReadNewLengthAsync(Stream stream, byte[] scratch, CancellationToken cancellationToken)
    {
        await stream.ReadExactlyAsync(scratch.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
        var first = scratch[0];
        if (first < 192)
        {
            return (first, false);
        }

        if (first < 224)
        {
            await stream.ReadExactlyAsync(scratch.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
            return (((first - 192) << 8) + scratch[0] + 192, false);
        }

        if (first < 255)
        {
            return (1L << (first & 0x1F), true);
        }

        await stream.ReadExactlyAsync(scratch.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
        return (BinaryPrimitives.ReadUInt32BigEndian(scratch), false);
    }
}
