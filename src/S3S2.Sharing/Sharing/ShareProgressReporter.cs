using S3S2.Sharing.Diagnostics;

namespace S3S2.Sharing.Sharing;

/// <summary>A share's progress as <see cref="ShareProgress"/>: plaintext bytes read, files uploaded.</summary>
internal sealed class ShareProgressReporter(IProgress<ShareProgress>? progress, TimeProvider time) : ProgressReporter<ShareProgress>(progress, time)
{
    protected override ShareProgress Create(in ProgressSnapshot snapshot) =>
        new(snapshot.Path, snapshot.BytesRead, snapshot.FilesCompleted, snapshot.FileCount)
        {
            TotalBytesRead = snapshot.TotalBytesRead,
            TotalBytes = snapshot.TotalBytes,
            TotalsFinal = snapshot.TotalsFinal,
        };
}
