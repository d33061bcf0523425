using System.Globalization;
using S3S2.Sharing;

namespace S3S2.Sharing.CommandLine.Output;

/// <summary>A one-line progress display on stderr, only when stderr is a terminal (off when redirected, --json or --quiet).</summary>
internal sealed class ConsoleProgress : IProgress<ShareProgress>
{
    private readonly object _gate = new();

    public static ConsoleProgress? CreateIfInteractive() => Console.IsErrorRedirected ? null : new ConsoleProgress();

    public void Report(ShareProgress value)
    {
        lock (_gate)
        {
            // Totals of a stream share grow as it is read; "of" appears only once they are final and known.
            var total = value.TotalsFinal && value.TotalBytes > 0 ? string.Create(CultureInfo.InvariantCulture, $" of {value.TotalBytes / 1048576.0:F1}") : string.Empty;
            var line = string.Create(CultureInfo.InvariantCulture, $"[{value.FilesCompleted}/{value.FileCount}] {value.TotalBytesRead / 1048576.0:F1}{total} MiB  {value.Path}");
            Console.Error.Write("\r" + (line.Length > 79 ? line[..79] : line.PadRight(79)));
            if (value.TotalsFinal && value.FilesCompleted == value.FileCount)
            {
                Console.Error.WriteLine();
            }
        }
    }
}
