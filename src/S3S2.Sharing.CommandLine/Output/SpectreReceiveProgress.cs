using System.Diagnostics;
using System.Globalization;
using S3S2.Sharing.Receiving;
using Spectre.Console;

namespace S3S2.Sharing.CommandLine.Output;

/// <summary>
/// Receive progress drawn live on a terminal, in the shape of <see cref="SpectreShareProgress"/>: a row for the file
/// being written (bytes of its size, rate) and one for the share being received (bytes of its total, rate, time left).
/// Rows of finished files and shares are hidden; a summary line stays.
/// </summary>
internal sealed class SpectreReceiveProgress(IAnsiConsole console) : IReceiveProgressView
{
    public async Task<T> RunAsync<T>(Func<IProgress<ReceiveProgress>, Task<T>> receive)
    {
        var clock = Stopwatch.StartNew();
        Rows? shown = null;
        var result = await console.Progress()
            .AutoClear(false)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                shown = new Rows(context);
                var received = await receive(shown).ConfigureAwait(false);
                shown.Complete();
                return received;
            }).ConfigureAwait(false);

        // Nothing was received (no share, or every share failed before its manifest was checked): the result lines say so.
        if (shown is { Shares: > 0 } rows)
        {
            var mebibytes = rows.Bytes / 1048576.0;
            var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"receive {rows.Shares} share(s) [[{rows.Files}/{rows.FileCount}]] {mebibytes:F1} MiB in {seconds:F1} s ({mebibytes / seconds:F1} MiB/s)"));
        }

        return result;
    }

    /// <summary>The rows, fed from the library's reports (one at a time: the library serializes them).</summary>
    private sealed class Rows(ProgressContext context) : IProgress<ReceiveProgress>
    {
        private ProgressTask? _share;
        private ProgressTask? _file;
        private ReceiveProgress? _last;

        public int Shares { get; private set; }

        public long Bytes { get; private set; }

        public int Files { get; private set; }

        public int FileCount { get; private set; }

        public void Report(ReceiveProgress value)
        {
            if (value.ShareId != _last?.ShareId)
            {
                // The next share: the previous one's rows are done (hidden), its figures go into the summary.
                Complete();
                Shares++;
                _share = context.AddTask(Markup.Escape(value.ShareId), maxValue: Math.Max(1, value.TotalBytes));
            }

            if (value.Path != _last?.Path || _file is null)
            {
                _file?.StopTask();
                _file = context.AddTask(Markup.Escape(value.Path), maxValue: Math.Max(1, value.FileSize));
            }

            _file.Value = value.BytesReceived;
            _share!.Value = value.TotalBytesReceived;
            _share.Description = $"{Markup.Escape(value.ShareId)} [[{value.FilesCompleted}/{value.FileCount}]]";
            _last = value;
        }

        public void Complete()
        {
            _file?.StopTask();
            _share?.StopTask();
            if (_last is { } last)
            {
                Bytes += last.TotalBytesReceived;
                Files += last.FilesCompleted;
                FileCount += last.FileCount;
            }

            _file = null;
            _share = null;
            _last = null;
        }
    }
}
