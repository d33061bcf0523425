// begin-snippet: profile
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing;
// end-snippet

namespace S3S2.ReadmeSnippets.Snippets;

internal static class Profile
{
    public static async Task RunAsync()
    {
        // begin-snippet: profile
        var services = new ServiceCollection();
        services.AddS3S2Sharing().UseProfile("bigdatarider.profile.json");

        await using var provider = services.BuildServiceProvider();
        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync(["exports/2026-11-27/orders.csv"]);
        Console.WriteLine($"share {receipt.ShareId}: {receipt.Files.Count} files, manifest {receipt.ManifestKey}");
        // end-snippet
    }
}
