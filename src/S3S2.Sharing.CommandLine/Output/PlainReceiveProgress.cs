using System.Diagnostics;
using System.Globalization;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.CommandLine.Output;

/// <summary>
/// Receive progress for a redirected error stream (a log file, CI), as <see cref="PlainShareProgress"/> writes a share's:
/// a plain line when files are in place, at most one a second, and each share's last one always (<see cref="PlainLineThrottle"/>).
/// </summary>
internal sealed class PlainReceiveProgress(TextWriter error, string prefix) : IReceiveProgressView, IProgress<ReceiveProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly PlainLineThrottle _throttle = new();
    private string? _shareId;
    private TimeSpan _shareStarted;
    private TimeSpan _lastReport;

    public Task<T> RunAsync<T>(Func<IProgress<ReceiveProgress>, Task<T>> receive) => receive(this);

    public void Report(ReceiveProgress value)
    {
        var now = _clock.Elapsed;
        if (value.ShareId != _shareId)
        {
            // A share's rate counts from the end of the one before (its manifest was read in between), or from the start.
            _shareId = value.ShareId;
            _shareStarted = _lastReport;
            _throttle.Reset();
        }

        _lastReport = now;
        if (!_throttle.ShouldWrite(value.FilesCompleted, last: value.FilesCompleted == value.FileCount, now))
        {
            return;
        }

        var seconds = Math.Max((now - _shareStarted).TotalSeconds, 0.001);
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{prefix}: {value.ShareId} [{value.FilesCompleted}/{value.FileCount}] {value.TotalBytesReceived / 1048576.0:F1} of {value.TotalBytes / 1048576.0:F1} MiB, {value.TotalBytesReceived / 1048576.0 / seconds:F1} MiB/s  {value.Path}"));
    }
}
