namespace S3S2.Sharing;

/// <summary>
/// Progress of a share, reported from one place: at a steady rate (every quarter second while bytes move) and when a
/// file completes. Reports never overlap.
/// </summary>
/// <param name="Path">The relative path of the file most recently read from.</param>
/// <param name="BytesRead">Plaintext bytes of that file read so far.</param>
/// <param name="FilesCompleted">Files of the share uploaded so far.</param>
/// <param name="FileCount">Files in the share: known up front when sharing paths; in a session, the files added so far.</param>
public sealed record ShareProgress(string Path, long BytesRead, int FilesCompleted, int FileCount)
{
    /// <summary>Gets the plaintext bytes of the whole share read so far.</summary>
    public long TotalBytesRead { get; init; }

    /// <summary>
    /// Gets the plaintext size of the whole share as far as it is known: the sum of the file sizes when sharing paths; in
    /// a session, it grows as parts are added (a stream or writable file of unknown length counts what was read of it).
    /// </summary>
    public long TotalBytes { get; init; }

    /// <summary>Gets a value indicating whether <see cref="FileCount"/> and <see cref="TotalBytes"/> are final (sharing paths, or a session being completed).</summary>
    public bool TotalsFinal { get; init; }
}
