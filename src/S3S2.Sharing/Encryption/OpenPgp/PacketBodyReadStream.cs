using S3S2.Sharing.IO;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// The body of one packet: a definite length, a series of partial-length chunks ended by a definite length, or
/// (old format) everything to the end of the source. A source that ends before the body does is a truncated message.
/// </summary>
internal sealed class PacketBodyReadStream : ReadOnlyStream
{
    private readonly Stream _source;
    private readonly byte[] _scratch = new byte[4];
    private readonly bool _indeterminate;
    private long _remaining;
    private bool _partial;

    public PacketBodyReadStream(Stream source, OpenPgpPacketHeader header)
    {
        _source = source;
        _indeterminate = header.Indeterminate;
        _remaining = header.Length;
        _partial = header.Partial;
    }

    protected override int ReadCore(Span<byte> buffer)
    {
        if (_indeterminate)
        {
            return _source.Read(buffer);
        }

        while (_remaining == 0)
        {
            if (!_partial)
            {
                return 0;
            }

            (_remaining, _partial) = OpenPgpPacketHeader.ReadNewLength(_source, _scratch);
        }

        var read = _source.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        return Consumed(read, buffer.Length);
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_indeterminate)
        {
            return await _source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        while (_remaining == 0)
        {
            if (!_partial)
            {
                return 0;
            }

            (_remaining, _partial) = await OpenPgpPacketHeader.ReadNewLengthAsync(_source, _scratch, cancellationToken).ConfigureAwait(false);
        }

        var read = await _source.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        return Consumed(read, buffer.Length);
    }

    /// <summary>Reads what is left of the body and discards it (packets that are skipped).</summary>
    public async Task SkipAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    private int Consumed(int read, int requested)
    {
        if (read == 0 && requested > 0)
        {
            throw new MalformedMessageException("is truncated: its last packet ends early");
        }

        _remaining -= read;
        return read;
    }
}
