// begin-snippet: configuration
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using S3S2.Sharing;
// end-snippet

namespace S3S2.ReadmeSnippets.Snippets;

internal static class Configuration
{
    public static async Task RunAsync(string[] args)
    {
        // begin-snippet: configuration
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddS3S2Sharing(builder.Configuration.GetSection("S3S2"));

        using var host = builder.Build();
        var receipt = await host.Services.GetRequiredService<IShareClient>().ShareAsync(["exports/2026-11-27/"]);
        Console.WriteLine($"share {receipt.ShareId}: {receipt.Files.Count} files, manifest {receipt.ManifestKey}");
        // end-snippet
    }
}
