namespace S3S2.Sharing.Diagnostics;

/// <summary>One file being read or written: only its byte count changes, from the thread moving its bytes.</summary>
internal sealed class ProgressPart(string path, long? knownLength)
{
    private long _bytesRead;

    public string Path { get; } = path;

    public long? KnownLength { get; } = knownLength;

    /// <summary>Gets or sets the bytes of the file moved so far (plaintext read when sharing, written when receiving).</summary>
    public long BytesRead
    {
        get => Volatile.Read(ref _bytesRead);
        set => Volatile.Write(ref _bytesRead, value);
    }
}
