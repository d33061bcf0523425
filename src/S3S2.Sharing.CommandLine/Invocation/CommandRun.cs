using System.CommandLine;
using System.Runtime.CompilerServices;
using Amazon.KeyManagementService;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>One run of a command: where its output goes, whether it is verbose, and the host's services.</summary>
internal sealed class CommandRun
{
    public CommandRun(ParseResult result, S3S2CommandLineOptions options)
    {
        Options = options;
        Verbose = result.GetValue(CommonOptions.Verbose);
        Quiet = result.GetValue(CommonOptions.Quiet);
        Json = result.GetResult(CommonOptions.Json) is not null && result.GetValue(CommonOptions.Json);

        // One place for --quiet: normal output goes nowhere; errors (and the JSON asked for) still go out.
        Out = Quiet && !Json ? TextWriter.Null : result.InvocationConfiguration.Output;
        Error = result.InvocationConfiguration.Error;
    }

    public S3S2CommandLineOptions Options { get; }

    public bool Verbose { get; }

    public bool Quiet { get; }

    public bool Json { get; }

    /// <summary>Results: the host's output (standard output unless the host's invocation configuration says otherwise).</summary>
    public TextWriter Out { get; }

    /// <summary>Errors, warnings and notes, one line each.</summary>
    public TextWriter Error { get; }

    /// <summary>Writes one line on the error writer, prefixed with the command's name as every error line is.</summary>
    public void ErrorLine(string message) => Error.WriteLine($"{Options.Name}: {message}");

    /// <summary>
    /// How a share shows progress: not at all with --json or --quiet; live on the options' console or on standard error
    /// when that is a terminal; else plain lines on the error writer. <paramref name="fileSize"/> gives a file's size
    /// by the path the share reports, for its row's bar.
    /// </summary>
    public IShareProgressView? ShareProgressView(Func<string, long?>? fileSize = null)
    {
        if (Json || Quiet)
        {
            return null;
        }

        // Spectre.Console is touched only in the methods below, so a share whose progress is plain lines never loads it.
        if (Options.HasProgressConsole)
        {
            return OnProgressConsole(fileSize);
        }

        return ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected
            ? OnStandardError(fileSize)
            : new PlainShareProgress(Error, Options.Name);
    }

    /// <summary>How a receive shows progress: as a share does (<see cref="ShareProgressView"/>), by the same rules.</summary>
    public IReceiveProgressView? ReceiveProgressView()
    {
        if (Json || Quiet)
        {
            return null;
        }

        if (Options.HasProgressConsole)
        {
            return ReceiveOnProgressConsole();
        }

        return ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected
            ? ReceiveOnStandardError()
            : new PlainReceiveProgress(Error, Options.Name);
    }

    /// <summary>
    /// Logging and AWS clients for a container a command builds: the host's when it gave its services
    /// (its loggers see the library's log lines; its S3 and KMS clients are used unless the command line names an
    /// endpoint or region), else console logging on the error stream.
    /// </summary>
    public IServiceCollection AddHostServices(IServiceCollection services, LogLevel normalLevel)
    {
        var host = Options.Services;
        if (host?.GetService<ILoggerFactory>() is { } loggerFactory)
        {
            // Registered as an instance, the host's factory is not disposed with the command's container.
            services.AddSingleton(loggerFactory);
            services.AddLogging();
        }
        else
        {
            services.AddCliLogging(Verbose, normalLevel);
        }

        if (host is not null)
        {
            AddHostAwsClients(services, host);
        }

        return services;
    }

    // Apart, so that a run without host services (the s3s2 tool) does not load the AWS SDK's assemblies here: a share
    // to a local folder never needs them.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddHostAwsClients(IServiceCollection services, IServiceProvider host)
    {
        if (host.GetService<IAmazonS3>() is { } s3)
        {
            services.TryAddSingleton(s3);
        }

        if (host.GetService<IAmazonKeyManagementService>() is { } kms)
        {
            services.TryAddSingleton(kms);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private SpectreShareProgress OnProgressConsole(Func<string, long?>? fileSize) => new(Options.ProgressConsole!, fileSize);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private SpectreReceiveProgress ReceiveOnProgressConsole() => new(Options.ProgressConsole!);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SpectreReceiveProgress ReceiveOnStandardError() =>
        new(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SpectreShareProgress OnStandardError(Func<string, long?>? fileSize) =>
        new(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }), fileSize);
}
