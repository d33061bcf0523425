using System.CommandLine;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.CommandLine;
using S3S2.Sharing.Tests.Infrastructure;
using Spectre.Console;

namespace S3S2.Sharing.Tests.CommandLine;

/// <summary>
/// A host CLI of its own, as a partner's ETL tool would be: root command "acme-etl", its own container with its own
/// logging (a capturing provider) and its own <see cref="IAmazonS3"/> for the test's s3rver, and the s3s2 commands
/// embedded under it (<c>acme-etl s3s2 share ...</c>), run in this process.
/// </summary>
internal sealed class AcmeEtlHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private int _s3Requests;

    public AcmeEtlHost(IAnsiConsole? progressConsole = null)
    {
        var s3 = LocalS3Server.Instance.CreateClient();
        s3.BeforeRequestEvent += (_, _) => Interlocked.Increment(ref _s3Requests);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Information));
        services.AddSingleton<IAmazonS3>(s3);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Root = new RootCommand("acme-etl: ACME's data jobs")
        {
            S3S2Commands.Create(new S3S2CommandLineOptions { Services = _services, ProgressConsole = progressConsole }),
        };
    }

    public RootCommand Root { get; }

    /// <summary>Gets what the host's own logging saw.</summary>
    public ListLoggerProvider Logs { get; } = new();

    /// <summary>Gets how many requests the host's own S3 client sent.</summary>
    public int S3Requests => Volatile.Read(ref _s3Requests);

    /// <summary>Runs <c>acme-etl ARGS</c> as the host's Main would, with its output and errors captured.</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await Root.Parse(arguments).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
