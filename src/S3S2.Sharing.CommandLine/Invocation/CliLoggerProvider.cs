using Microsoft.Extensions.Logging;

namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>
/// Writes log lines to standard error in the console logger's single-line form (<c>warn: Category[0] message</c>).
/// The console logger itself brings Microsoft.Extensions.Logging.Console, the configuration binder and a background
/// writer thread into every process; for one-line messages on standard error, that was a measurable part of each
/// command's start-up.
/// </summary>
internal sealed class CliLoggerProvider : ILoggerProvider
{
    private readonly object _lock = new();

    public ILogger CreateLogger(string categoryName) => new CliLogger(categoryName, this);

    public void Dispose()
    {
    }

    /// <summary>Writes one whole line; lines of concurrent loggers never interleave.</summary>
    internal void WriteLine(string line)
    {
        lock (_lock)
        {
            Console.Error.WriteLine(line);
        }
    }
}
