using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace S3S2.Sharing.CommandLine.Output;

/// <summary>
/// Share progress drawn live on a terminal: a row for the file being read (bytes, rate) and one for the whole share
/// (bytes of the total, rate, time left once the total is known). Rows of finished files are hidden so that a share of
/// a thousand files stays a few lines high.
/// </summary>
internal sealed class SpectreShareProgress(IAnsiConsole console, Func<string, long?>? fileSize = null) : IShareProgressView
{
    public async Task<ShareReceipt> RunAsync(Func<IProgress<ShareProgress>, Task<ShareReceipt>> share)
    {
        var clock = Stopwatch.StartNew();
        var receipt = await console.Progress()
            .AutoClear(false)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var rows = new Rows(context, fileSize ?? (_ => null));
                var result = await share(rows).ConfigureAwait(false);
                rows.Complete(result);
                return result;
            }).ConfigureAwait(false);

        // Finished rows are hidden; what went through stays on screen as one line.
        var mebibytes = receipt.Files.Sum(f => f.Size) / 1048576.0;
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"share [[{receipt.Files.Count}/{receipt.Files.Count}]] {mebibytes:F1} MiB in {seconds:F1} s ({mebibytes / seconds:F1} MiB/s)"));
        return receipt;
    }

    /// <summary>The rows, fed from the library's reports (one at a time: the library serializes them).</summary>
    private sealed class Rows(ProgressContext context, Func<string, long?> fileSize) : IProgress<ShareProgress>
    {
        private readonly ProgressTask _total = context.AddTask("share", maxValue: 1);
        private ProgressTask? _file;
        private string? _path;

        public void Report(ShareProgress value)
        {
            if (value.Path != _path)
            {
                // A new file is being read: the previous one's row is done (hidden), its bytes stay in the total.
                _file?.StopTask();
                _path = value.Path;
                var size = fileSize(value.Path);
                _file = context.AddTask(Markup.Escape(value.Path), maxValue: Math.Max(1, size ?? 0));

                // Standard input has no size: bytes and rate only, no bar.
                _file.IsIndeterminate = size is null;
            }

            _file!.MaxValue = Math.Max(_file.MaxValue, value.BytesRead);
            _file.Value = value.BytesRead;

            // A stream's total grows as it is read: no percentage or time left until it is final.
            _total.IsIndeterminate = !(value.TotalsFinal && value.TotalBytes > 0);
            _total.MaxValue = Math.Max(1, Math.Max(value.TotalBytes, value.TotalBytesRead));
            _total.Value = value.TotalBytesRead;
            _total.Description = $"share [[{value.FilesCompleted}/{value.FileCount}]]";
        }

        public void Complete(ShareReceipt receipt)
        {
            _file?.StopTask();
            var bytes = receipt.Files.Sum(f => f.Size);
            _total.IsIndeterminate = false;
            _total.MaxValue = Math.Max(1, bytes);
            _total.Value = _total.MaxValue;
            _total.Description = $"share [[{receipt.Files.Count}/{receipt.Files.Count}]]";
        }
    }
}
