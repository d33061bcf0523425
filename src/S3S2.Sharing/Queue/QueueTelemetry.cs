using System.Diagnostics.Metrics;
using S3S2.Sharing.Diagnostics;

namespace S3S2.Sharing.Queue;

/// <summary>The queue worker's instruments, on the library's one meter (see <see cref="S3S2Telemetry"/>).</summary>
internal static class QueueTelemetry
{
    /// <summary>The span of one SQS message (kind Consumer); its shares are child spans named <see cref="ShareSpan"/>.</summary>
    public const string MessageSpan = "S3S2 queue message";

    /// <summary>The span of one share received from a message.</summary>
    public const string ShareSpan = "S3S2 queue share";

    /// <summary>Shares received and handled (tag <c>s3s2.status</c>: received, already_received, already_handled).</summary>
    public static readonly Counter<long> SharesReceived = S3S2Telemetry.Meter.CreateCounter<long>("s3s2.queue.shares.received", "{share}", "Shares the queue worker received and handled.");

    /// <summary>Shares (or messages) that failed and were left for redelivery (tag <c>s3s2.status</c>).</summary>
    public static readonly Counter<long> SharesFailed = S3S2Telemetry.Meter.CreateCounter<long>("s3s2.queue.shares.failed", "{share}", "Shares or messages the queue worker could not receive; left for redelivery or the dead-letter queue.");

    /// <summary>Plaintext bytes written by the worker (files downloaded, not those already in place).</summary>
    public static readonly Counter<long> BytesReceived = S3S2Telemetry.Meter.CreateCounter<long>("s3s2.queue.bytes.received", "By", "Plaintext bytes the queue worker received and verified.");

    /// <summary>How long receiving and handling one share took.</summary>
    public static readonly Histogram<double> ShareDuration = S3S2Telemetry.Meter.CreateHistogram<double>("s3s2.queue.share.duration", "s", "Time to receive, verify and handle one share.");

    /// <summary>How long a message waited in the queue: from SQS's SentTimestamp to its receipt by a worker.</summary>
    public static readonly Histogram<double> QueueLag = S3S2Telemetry.Meter.CreateHistogram<double>("s3s2.queue.lag", "s", "Time from a notification entering the queue to a worker taking it.");
}
