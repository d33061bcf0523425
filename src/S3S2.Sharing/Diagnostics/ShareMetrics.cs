using System.Diagnostics.Metrics;

namespace S3S2.Sharing.Diagnostics;

/// <summary>
/// The instruments of sharing and receiving, on <see cref="S3S2Telemetry.Meter"/>. Every measurement carries
/// <see cref="Direction"/> (<c>send</c> or <c>receive</c>) and <see cref="Client"/> (the client's name). The names are
/// listed in the README (Telemetry); they are a public contract for dashboards, so they change only with the version.
/// </summary>
internal static class ShareMetrics
{
    /// <summary>Tag: <c>send</c> or <c>receive</c>.</summary>
    public const string Direction = "s3s2.direction";

    /// <summary>Tag: the name of the S3S2 client (<c>default</c> unless named).</summary>
    public const string Client = "s3s2.client";

    /// <summary>Tag: how a share or file ended (<c>sent</c>, <c>failed</c>, <c>cancelled</c>, <c>received</c>, <c>integrity_failed</c>, ...).</summary>
    public const string Outcome = "s3s2.outcome";

    /// <summary>Tag on failures: <c>share</c> or <c>file</c>.</summary>
    public const string Scope = "s3s2.scope";

    /// <summary>Tag on failures and failed spans, as OpenTelemetry names it: the exception type or the receive outcome.</summary>
    public const string ErrorType = "error.type";

    /// <summary>Shares that ended, whatever the outcome (tagged with it).</summary>
    public static readonly Counter<long> Shares = S3S2Telemetry.Meter.CreateCounter<long>("s3s2.shares", "{share}", "Shares sent or received, by outcome.");

    /// <summary>Files sent, or received and verified.</summary>
    public static readonly Counter<long> Files = S3S2Telemetry.Meter.CreateCounter<long>("s3s2.files", "{file}", "Files sent, or received and verified.");

    /// <summary>Plaintext bytes of those files.</summary>
    public static readonly Counter<long> Bytes = S3S2Telemetry.Meter.CreateCounter<long>("s3s2.bytes", "By", "Plaintext bytes of the files sent, or received and verified.");

    /// <summary>Shares and files that did not complete.</summary>
    public static readonly Counter<long> Failures = S3S2Telemetry.Meter.CreateCounter<long>("s3s2.failures", "{failure}", "Shares and files that failed, by scope and error type.");

    /// <summary>How long each share took, from start to its last object (or its failure).</summary>
    public static readonly Histogram<double> Duration = S3S2Telemetry.Meter.CreateHistogram<double>("s3s2.share.duration", "s", "Duration of a share, sent or received.");
}
