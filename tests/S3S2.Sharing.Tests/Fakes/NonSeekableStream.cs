namespace S3S2.Sharing.Tests;

/// <summary>
/// A read-only, forward-only stream over bytes, like a network body. Given an error, it throws that error
/// where the end would be, like a source that fails part way.
/// </summary>
internal sealed class NonSeekableStream(byte[] content, Exception? failAtEnd = null) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position >= content.Length && failAtEnd is not null)
        {
            throw failAtEnd;
        }

        var n = Math.Min(count, content.Length - _position);
        Array.Copy(content, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
