// begin-snippet: kms-envelope
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Storage;
// end-snippet

namespace S3S2.ReadmeSnippets.Snippets;

internal static class KmsEnvelope
{
    public static async Task RunAsync()
    {
        // begin-snippet: kms-envelope
        var services = new ServiceCollection();
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = "awesomeai-inbox";
                o.Prefix = "partners/bigdatarider";
                o.ServerSideEncryption.Method = ServerSideEncryptionMethod.Kms; // optional, on top
                o.ServerSideEncryption.KmsKeyId = "arn:aws:kms:eu-west-1:111122223333:key/0c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5";
            })
            .AddKmsEnvelopeEncryption(o => o.KeyIds.Add("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"))
            .AddS3Store(o => o.Region = "eu-west-1");

        await using var provider = services.BuildServiceProvider();
        var receipt = await provider.GetRequiredService<IShareClient>().ShareAsync(["exports/2026-11-27/"]);
        Console.WriteLine($"share {receipt.ShareId}: {receipt.Files.Count} files, manifest {receipt.ManifestKey}");
        // end-snippet
    }
}
