using System.Text;
using Microsoft.Extensions.Logging;

namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>One category's logger of <see cref="CliLoggerProvider"/>; the level filters are the logger factory's.</summary>
internal sealed class CliLogger(string category, CliLoggerProvider provider) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        if (string.IsNullOrEmpty(message) && exception is null)
        {
            return;
        }

        var line = new StringBuilder();
        line.Append(logLevel switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        });
        line.Append(": ").Append(category).Append('[').Append(eventId.Id).Append(']');
        AppendOnOneLine(line, message);
        AppendOnOneLine(line, exception?.ToString());
        provider.WriteLine(line.ToString());
    }

    private static void AppendOnOneLine(StringBuilder line, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            line.Append(' ').Append(text.Replace(Environment.NewLine, " ", StringComparison.Ordinal));
        }
    }
}
