// begin-snippet: etl-session
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing;
// end-snippet

namespace S3S2.ReadmeSnippets.Snippets;

internal static class EtlSession
{
    public static async Task RunAsync()
    {
        // begin-snippet: etl-session
        var services = new ServiceCollection();
        services.AddS3S2Sharing().UseProfile("bigdatarider.profile.json");
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IShareClient>();

        var options = new ShareSessionOptions { IdempotencyKey = "nightly-2026-11-27" };
        options.Labels["dataset"] = "orders";
        await using var share = await client.BeginShareAsync(options);

        // Rows go straight into encryption and upload: no temporary file, bounded memory whatever the size.
        await using (var rows = new StreamWriter(await share.OpenWriteAsync("orders/2026-11-27.csv")))
        {
            await rows.WriteLineAsync("id,amount");
            for (var id = 1; id <= 100_000; id++)
            {
                await rows.WriteLineAsync($"{id},{id * 7 % 1000}");
            }
        }

        await share.AddFileAsync("exports/2026-11-27/customers.csv");

        // The manifest goes last and makes the share visible; disposed without it, the share is abandoned.
        var receipt = await share.CompleteAsync();
        Console.WriteLine($"share {receipt.ShareId}: {receipt.Files.Count} files, manifest {receipt.ManifestKey}");
        // end-snippet
    }
}
