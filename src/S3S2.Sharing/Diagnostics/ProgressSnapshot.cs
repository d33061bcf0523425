namespace S3S2.Sharing.Diagnostics;

/// <summary>What a <see cref="ProgressReporter{TReport}"/> knows at one report, before it becomes the public type.</summary>
/// <param name="Path">The relative path of the file most recently moving bytes.</param>
/// <param name="BytesRead">That file's bytes so far.</param>
/// <param name="Length">That file's size when known.</param>
/// <param name="FilesCompleted">Files done.</param>
/// <param name="FileCount">Files in the share as far as known.</param>
/// <param name="TotalBytesRead">The share's bytes so far.</param>
/// <param name="TotalBytes">The share's size as far as known.</param>
/// <param name="TotalsFinal">Whether <paramref name="FileCount"/> and <paramref name="TotalBytes"/> are final.</param>
internal readonly record struct ProgressSnapshot(string Path, long BytesRead, long? Length, int FilesCompleted, int FileCount, long TotalBytesRead, long TotalBytes, bool TotalsFinal);
