// begin-snippet: csharp-api
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing;
using S3S2.Sharing.Encryption.OpenPgp;
// end-snippet

namespace S3S2.ReadmeSnippets.Snippets;

internal static class CSharpApi
{
    public static async Task RunAsync()
    {
        // begin-snippet: csharp-api
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = "awesomeai-inbox";
                o.Prefix = "partners/bigdatarider";
            })
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromFile("awesomeai.pub.asc"));
                o.PinnedFingerprints.Add("766916BCFE9338FB1399E2C7C12B823FAAE4091E"); // told by the receiver
            })
            .AddS3Store(o => o.Region = "eu-west-1");

        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IShareClient>();
        ShareReceipt receipt = await client.ShareAsync(["exports/2026-11-27/"]);
        Console.WriteLine($"share {receipt.ShareId}: {receipt.Files.Count} files, manifest {receipt.ManifestKey}");
        // end-snippet
    }
}
