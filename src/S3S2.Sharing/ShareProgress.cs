namespace S3S2.Sharing;

/// <summary>Progress of a share, reported after each file and as bytes are read.</summary>
/// <param name="Path">The relative path of the file being shared.</param>
/// <param name="BytesRead">Plaintext bytes of that file read so far.</param>
/// <param name="FilesCompleted">Files of the share uploaded so far.</param>
/// <param name="FileCount">Files in the share.</param>
public sealed record ShareProgress(string Path, long BytesRead, int FilesCompleted, int FileCount);
