using S3S2.Sharing.Diagnostics;

namespace S3S2.Sharing.Receiving;

/// <summary>One share's receive progress as <see cref="ReceiveProgress"/>: plaintext bytes written, files in place.</summary>
internal sealed class ReceiveProgressReporter(string shareId, IProgress<ReceiveProgress> progress, TimeProvider time) : ProgressReporter<ReceiveProgress>(progress, time)
{
    protected override ReceiveProgress Create(in ProgressSnapshot snapshot) =>
        new(shareId, snapshot.Path, snapshot.BytesRead, snapshot.FilesCompleted, snapshot.FileCount)
        {
            TotalBytesReceived = snapshot.TotalBytesRead,
            TotalBytes = snapshot.TotalBytes,
            FileSize = snapshot.Length ?? 0,
        };
}
