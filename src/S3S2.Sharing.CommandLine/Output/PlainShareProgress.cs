using System.Diagnostics;
using System.Globalization;

namespace S3S2.Sharing.CommandLine.Output;

/// <summary>
/// Share progress for a redirected error stream (a log file, CI): a plain line when files complete, at most one a
/// second, and the last one always, so a log shows how far a share got without a line per 250 ms report.
/// </summary>
internal sealed class PlainShareProgress(TextWriter error, string prefix) : IShareProgressView, IProgress<ShareProgress>
{
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastLine;
    private int _lastCompleted;

    public Task<ShareReceipt> RunAsync(Func<IProgress<ShareProgress>, Task<ShareReceipt>> share) => share(this);

    public void Report(ShareProgress value)
    {
        var now = _clock.Elapsed;
        var last = value.TotalsFinal && value.FilesCompleted == value.FileCount;
        if (value.FilesCompleted == _lastCompleted || (!last && now - _lastLine < MinimumInterval))
        {
            return;
        }

        _lastCompleted = value.FilesCompleted;
        _lastLine = now;
        var seconds = Math.Max(now.TotalSeconds, 0.001);
        var total = value.TotalsFinal && value.TotalBytes > 0 ? string.Create(CultureInfo.InvariantCulture, $" of {value.TotalBytes / 1048576.0:F1}") : string.Empty;
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{prefix}: [{value.FilesCompleted}/{value.FileCount}] {value.TotalBytesRead / 1048576.0:F1}{total} MiB, {value.TotalBytesRead / 1048576.0 / seconds:F1} MiB/s  {value.Path}"));
    }
}
