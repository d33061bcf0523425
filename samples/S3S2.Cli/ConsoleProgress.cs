using System.Globalization;
using S3S2.Sharing;

namespace S3S2.Cli;

/// <summary>A one-line progress display on stderr, only when stderr is a terminal (off when redirected, --json or --quiet).</summary>
internal sealed class ConsoleProgress : IProgress<ShareProgress>
{
    private readonly object _gate = new();

    public static ConsoleProgress? CreateIfInteractive() => Console.IsErrorRedirected ? null : new ConsoleProgress();

    public void Report(ShareProgress value)
    {
        lock (_gate)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"[{value.FilesCompleted}/{value.FileCount}] {value.Path} {value.BytesRead / 1048576.0:F1} MiB");
            Console.Error.Write("\r" + line.PadRight(79));
            if (value.FilesCompleted == value.FileCount)
            {
                Console.Error.WriteLine();
            }
        }
    }
}
