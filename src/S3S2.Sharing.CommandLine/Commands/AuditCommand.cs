using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Audit;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary><c>s3s2 audit --bucket B [--endpoint URL] [--region R] [--expect-kms-key ARN] [--partner NAME=ARN ...] [--prefix-root P] [--json]</c>.</summary>
internal static class AuditCommand
{
    public static Command Create(S3S2CommandLineOptions options)
    {
        var bucket = new Option<string>("--bucket") { Description = "The bucket to audit (yours, where partners write).", Required = true };
        var endpoint = new Option<string?>("--endpoint") { Description = "An S3-compatible endpoint URL (path-style). Credentials come from the standard AWS chain." };
        var region = new Option<string?>("--region") { Description = "The bucket's AWS region; default: the standard AWS chain." };
        var expectKey = new Option<string?>("--expect-kms-key") { Description = "The KMS key ARN default encryption and partners' SSE-KMS uploads must use." };
        var partners = new Option<string[]>("--partner") { Description = "A partner and its AWS principal, NAME=ARN (repeatable); its prefix is <root>/NAME/.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var partnerKeys = new Option<string[]>("--partner-kms-key") { Description = "A partner that uses its own KMS key for SSE-KMS, NAME=KEY_ARN (repeatable).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var root = new Option<string>("--prefix-root") { Description = "The prefix under which each partner has NAME/.", DefaultValueFactory = _ => BucketAuditOptions.DefaultPrefixRoot };
        var command = new Command("audit", "Audit your bucket: public access, TLS-only policy, encryption, versioning, lifecycle, logging, ownership, notifications, and what each partner, anonymous callers and other accounts may do under the bucket policy. Read-only. Exit 0: nothing at warning or worse; 5: findings; 2: bad input; 1: could not run.\n\nExample:\n  s3s2 audit --bucket awesomeai-inbox --expect-kms-key arn:aws:kms:eu-west-1:123456789012:key/ID --partner BigDataRider=arn:aws:iam::111122223333:role/BigDataRider")
        {
            bucket, endpoint, region, expectKey, partners, partnerKeys, root, CommonOptions.Json,
        };
        command.Action = new S3S2CommandAction(options, async (result, run, cancellationToken) =>
        {
            var partnerMap = PartnerArguments.Parse(result.GetValue(partners), "--partner");
            var keyMap = PartnerArguments.Parse(result.GetValue(partnerKeys), "--partner-kms-key");
            var services = new ServiceCollection();
            services.AddS3S2Sharing()
                .AddS3Store(o =>
                {
                    o.Region = result.GetValue(region);
                    o.ServiceUrl = result.GetValue(endpoint);
                })
                .AddBucketAuditor(o =>
                {
                    o.Bucket = result.GetRequiredValue(bucket);
                    o.PrefixRoot = result.GetRequiredValue(root);
                    o.ExpectedKmsKeyArn = result.GetValue(expectKey);
                    foreach (var (name, arn) in partnerMap)
                    {
                        o.Partners[name] = arn;
                    }

                    foreach (var (name, key) in keyMap)
                    {
                        o.PartnerKmsKeys[name] = key;
                    }
                });
            var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            await using var disposeProvider = provider.ConfigureAwait(false);
            var report = await provider.GetRequiredService<IBucketAuditor>().AuditAsync(cancellationToken).ConfigureAwait(false);
            run.Out.WriteLine(run.Json ? JsonSerializer.Serialize(report, CliJsonContext.Default.BucketAuditReport) : Render(report));
            return report.HasWarningsOrWorse ? ExitCodes.FindingsFound : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The report as text: findings worst first, the access matrix as a table, then what passed.</summary>
    public static string Render(BucketAuditReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Audit of bucket {report.Bucket}");
        text.AppendLine();
        foreach (var finding in report.Findings)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{Severity(finding.Severity),-8} {finding.Control,-13} {finding.Title}");
            text.AppendLine(CultureInfo.InvariantCulture, $"{string.Empty,-22} evidence: {finding.Evidence}");
            text.AppendLine(CultureInfo.InvariantCulture, $"{string.Empty,-22} fix: {finding.Fix}");
        }

        if (report.AccessMatrix.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Access matrix (bucket policy; ALLOW = allowed, deny = explicitly denied, - = not allowed, n/a = not applicable, ? = worst case assumed):");
            var width = Math.Max(14, report.AccessMatrix.Max(r => r.Subject.Length) + 2);
            text.Append(string.Empty.PadRight(width));
            text.AppendLine(string.Join(' ', report.AccessMatrixColumns.Select(c => c.PadRight(Math.Max(c.Length, 6)))).TrimEnd());
            foreach (var row in report.AccessMatrix)
            {
                text.Append(row.Subject.PadRight(width));
                text.AppendLine(string.Join(' ', row.Checks.Select((c, i) => Cell(c).PadRight(Math.Max(report.AccessMatrixColumns[i].Length, 6)))).TrimEnd());
            }
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Passed: {(report.PassedControls.Count == 0 ? "none" : string.Join(", ", report.PassedControls))}");
        var counts = report.Findings.GroupBy(f => f.Severity).ToDictionary(g => g.Key, g => g.Count());
        text.Append(CultureInfo.InvariantCulture, $"{report.Findings.Count} findings: {counts.GetValueOrDefault(FindingSeverity.Critical)} critical, {counts.GetValueOrDefault(FindingSeverity.Warning)} warning, {counts.GetValueOrDefault(FindingSeverity.Informational)} informational.");
        return text.ToString();
    }

    private static string Severity(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => "CRITICAL",
        FindingSeverity.Warning => "WARNING",
        _ => "INFO",
    };

    private static string Cell(AccessCheck check) => (check.Outcome switch
    {
        AccessOutcome.Allowed => "ALLOW",
        AccessOutcome.ExplicitlyDenied => "deny",
        AccessOutcome.Denied => "-",
        _ => "n/a",
    }) + (check.Uncertainties.Count > 0 ? "?" : string.Empty);
}
