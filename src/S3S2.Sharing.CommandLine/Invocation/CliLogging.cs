using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>Logs go to stderr, one line each, so that stdout carries only results (and valid JSON with --json).</summary>
internal static class CliLogging
{
    public static IServiceCollection AddCliLogging(this IServiceCollection services, bool verbose, LogLevel normalLevel) =>
        services.AddLogging(logging => logging
            .AddCliLogger()
            .SetMinimumLevel(verbose ? LogLevel.Debug : normalLevel)
            .AddFilter("Microsoft", LogLevel.Warning));

    private static ILoggingBuilder AddCliLogger(this ILoggingBuilder logging)
    {
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, CliLoggerProvider>());
        return logging;
    }
}
