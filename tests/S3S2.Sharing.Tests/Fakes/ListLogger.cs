using Microsoft.Extensions.Logging;

namespace S3S2.Sharing.Tests;

/// <summary>Keeps formatted log lines so tests can assert on decisions (and on the absence of secrets).</summary>
internal sealed class ListLogger : ILogger
{
    public List<(LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries)
        {
            Entries.Add((logLevel, exception is null ? formatter(state, exception) : formatter(state, exception) + Environment.NewLine + exception));
        }
    }
}
