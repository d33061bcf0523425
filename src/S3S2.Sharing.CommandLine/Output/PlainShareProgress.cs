using System.Diagnostics;
using System.Globalization;

namespace S3S2.Sharing.CommandLine.Output;

/// <summary>
/// Share progress for a redirected error stream (a log file, CI): a plain line when files complete, at most one a
/// second, and the last one always (<see cref="PlainLineThrottle"/>).
/// </summary>
internal sealed class PlainShareProgress(TextWriter error, string prefix) : IShareProgressView, IProgress<ShareProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly PlainLineThrottle _throttle = new();

    public Task<ShareReceipt> RunAsync(Func<IProgress<ShareProgress>, Task<ShareReceipt>> share) => share(this);

    public void Report(ShareProgress value)
    {
        var now = _clock.Elapsed;
        if (!_throttle.ShouldWrite(value.FilesCompleted, last: value.TotalsFinal && value.FilesCompleted == value.FileCount, now))
        {
            return;
        }

        var seconds = Math.Max(now.TotalSeconds, 0.001);
        var total = value.TotalsFinal && value.TotalBytes > 0 ? string.Create(CultureInfo.InvariantCulture, $" of {value.TotalBytes / 1048576.0:F1}") : string.Empty;
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{prefix}: [{value.FilesCompleted}/{value.FileCount}] {value.TotalBytesRead / 1048576.0:F1}{total} MiB, {value.TotalBytesRead / 1048576.0 / seconds:F1} MiB/s  {value.Path}"));
    }
}
