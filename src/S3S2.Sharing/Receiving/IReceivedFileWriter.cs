namespace S3S2.Sharing.Receiving;

/// <summary>One attempt at one received file.</summary>
internal interface IReceivedFileWriter : IAsyncDisposable
{
    /// <summary>Gets the stream the verified plaintext is written to.</summary>
    Stream Stream { get; }

    /// <summary>
    /// Hands the verified file over: makes it visible at its destination (throws <see cref="IOException"/> when something
    /// else appeared there meanwhile), or gives it to the caller's code.
    /// </summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
