using Microsoft.Extensions.Logging;

namespace S3S2.Sharing.Tests;

/// <summary>Hands every category the same <see cref="ListLogger"/>, so a test sees all a host would log.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    public ListLogger Logger { get; } = new();

    public ILogger CreateLogger(string categoryName) => Logger;

    public void Dispose()
    {
    }
}
