namespace S3S2.Sharing.Receiving;

/// <summary>
/// Progress of receiving one share, reported as a share's progress is (<see cref="ShareProgress"/>): every quarter second
/// while bytes move and when a file is done; reports never overlap. Nothing is reported before the share's manifest is
/// read and checked, so the totals are the manifest's from the first report.
/// </summary>
/// <param name="ShareId">The share being received.</param>
/// <param name="Path">The relative path of the file most recently written to.</param>
/// <param name="BytesReceived">Plaintext bytes of that file decrypted and written so far (its size once it is done).</param>
/// <param name="FilesCompleted">Files of the share in place and verified so far, those already present included.</param>
/// <param name="FileCount">Files the manifest lists.</param>
public sealed record ReceiveProgress(string ShareId, string Path, long BytesReceived, int FilesCompleted, int FileCount)
{
    /// <summary>
    /// Gets the plaintext bytes of the share received so far: the sizes of the files done (those already present count
    /// as received) plus what was written of the files in flight. A file that fails, or whose download starts over, no
    /// longer counts what was written of it.
    /// </summary>
    public long TotalBytesReceived { get; init; }

    /// <summary>Gets the plaintext size of the file <see cref="Path"/> names, as the manifest lists it.</summary>
    public long FileSize { get; init; }

    /// <summary>Gets the plaintext size of the whole share, the sum of the sizes the manifest lists.</summary>
    public long TotalBytes { get; init; }
}
