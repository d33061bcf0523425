// begin-snippet: bucket-audit
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing;
using S3S2.Sharing.Audit;
// end-snippet

namespace S3S2.ReadmeSnippets.Snippets;

internal static class BucketAudit
{
    public static async Task RunAsync()
    {
        // begin-snippet: bucket-audit
        var services = new ServiceCollection();
        services.AddS3S2Sharing()
            .AddS3Store(o => o.Region = "eu-west-1")
            .AddBucketAuditor(o =>
            {
                o.Bucket = "awesomeai-inbox";
                o.ExpectedKmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
                o.Partners["BigDataRider"] = "arn:aws:iam::111122223333:role/BigDataRider";
            });

        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<IBucketAuditor>().AuditAsync();
        foreach (var finding in report.Findings)
        {
            Console.WriteLine($"{finding.Severity} {finding.Control}: {finding.Title}. Fix: {finding.Fix}");
        }
        // end-snippet
    }
}
