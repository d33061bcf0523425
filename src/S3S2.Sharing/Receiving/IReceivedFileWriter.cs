namespace S3S2.Sharing.Receiving;

/// <summary>One attempt at one received file.</summary>
internal interface IReceivedFileWriter : IAsyncDisposable
{
    /// <summary>Gets the stream the verified plaintext is written to.</summary>
    Stream Stream { get; }

    /// <summary>Makes the file visible at its destination; throws <see cref="IOException"/> when something else appeared there meanwhile.</summary>
    void Commit();
}
