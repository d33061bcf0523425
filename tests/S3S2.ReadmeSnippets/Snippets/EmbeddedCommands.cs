// begin-snippet: embedded-commands
using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.CommandLine;
// end-snippet

namespace S3S2.ReadmeSnippets.Snippets;

internal static class EmbeddedCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
        // begin-snippet: embedded-commands
        // Your tool's own services: the commands log through its logging and use its AWS clients when it has them.
        var services = new ServiceCollection();
        services.AddLogging();
        await using var provider = services.BuildServiceProvider();

        var root = new RootCommand("acme-etl: ACME's data jobs")
        {
            S3S2Commands.Create(new S3S2CommandLineOptions { Services = provider }),
        };
        return await root.Parse(args).InvokeAsync(); // acme-etl s3s2 share data/ --profile awesomeai.profile.json
        // end-snippet
    }
}
