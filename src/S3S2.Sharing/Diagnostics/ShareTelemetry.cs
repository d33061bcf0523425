using System.Diagnostics;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.Diagnostics;

/// <summary>
/// Spans and measurements around the receive path, kept here so that <c>ReceiveClient</c> only wraps its calls: a span
/// per share (<c>s3s2.share.receive</c>) with a child span per file (<c>s3s2.file.receive</c>), and the instruments of
/// <see cref="ShareMetrics"/>. Sending, whose share spans the calls of a session, has <see cref="ShareSpan"/>. Spans carry
/// ids, object keys, counts and outcomes, never file content or key material.
/// </summary>
internal static class ShareTelemetry
{
    public const string Send = "send";
    public const string Receive = "receive";

    /// <summary>Traces and measures one share being received; its outcome is the share's <see cref="ReceiveStatus"/>.</summary>
    public static async Task<ReceivedShare> ReceiveAsync(string client, string shareId, Func<Task<ReceivedShare>> receive)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = S3S2Telemetry.ActivitySource.StartActivity("s3s2.share.receive");
        activity?.SetTag(ShareMetrics.Client, client).SetTag("s3s2.share.id", shareId);
        try
        {
            var share = await receive().ConfigureAwait(false);
            var outcome = OutcomeOf(share.Status);
            activity?.SetTag("s3s2.file.count", share.Files.Count).SetTag(ShareMetrics.Outcome, outcome);
            if (!share.Succeeded && share.Status != ReceiveStatus.Skipped)
            {
                Failed(activity, Receive, client, "share", outcome, share.Error);
            }

            Ended(Receive, client, outcome, started);
            return share;
        }
        catch (Exception thrown)
        {
            // A receive callback's own exception travels wrapped; it is what the caller sees, so it is what is recorded.
            var error = thrown is ReceiveCallbackFailedException { InnerException: { } callbacks } ? callbacks : thrown;
            var outcome = error is OperationCanceledException ? "cancelled" : "failed";
            Failed(activity, Receive, client, "share", error.GetType().FullName!, error.Message);
            activity?.SetTag(ShareMetrics.Outcome, outcome);
            Ended(Receive, client, outcome, started);
            throw;
        }
    }

    /// <summary>Traces and measures one file being received; a file already in place is traced but not counted again.</summary>
    public static async Task<ReceivedFile> ReceiveFileAsync(string client, string shareId, string key, Func<Task<ReceivedFile>> receive)
    {
        using var span = new FileSpan(Receive, client, S3S2Telemetry.ActivitySource.StartActivity("s3s2.file.receive")?.SetTag(ShareMetrics.Client, client).SetTag("s3s2.share.id", shareId).SetTag("s3s2.object.key", key));
        var file = await receive().ConfigureAwait(false);
        switch (file.Status)
        {
            case ReceiveStatus.Received:
                span.Completed(file.Size);
                break;
            case ReceiveStatus.AlreadyReceived or ReceiveStatus.Skipped:
                span.Ended(OutcomeOf(file.Status));
                break;
            default:
                span.Failed(OutcomeOf(file.Status), file.Error);
                break;
        }

        return file;
    }

    /// <summary>The outcome tag of a receive status, in OpenTelemetry's snake_case.</summary>
    public static string OutcomeOf(ReceiveStatus status) => status switch
    {
        ReceiveStatus.Received => "received",
        ReceiveStatus.AlreadyReceived => "already_received",
        ReceiveStatus.Conflict => "conflict",
        ReceiveStatus.IntegrityFailed => "integrity_failed",
        ReceiveStatus.Refused => "refused",
        ReceiveStatus.Skipped => "skipped",
        _ => "failed",
    };

    /// <summary>Marks a span failed and counts the failure.</summary>
    internal static void Failed(Activity? activity, string direction, string client, string scope, string errorType, string? message)
    {
        activity?.SetStatus(ActivityStatusCode.Error, message).SetTag(ShareMetrics.ErrorType, errorType);
        ShareMetrics.Failures.Add(
            1,
            new KeyValuePair<string, object?>(ShareMetrics.Direction, direction),
            new KeyValuePair<string, object?>(ShareMetrics.Client, client),
            new KeyValuePair<string, object?>(ShareMetrics.Scope, scope),
            new KeyValuePair<string, object?>(ShareMetrics.ErrorType, errorType));
    }

    /// <summary>Counts a share that ended and records its duration.</summary>
    internal static void Ended(string direction, string client, string outcome, long started)
    {
        var tags = new TagList
        {
            { ShareMetrics.Direction, direction },
            { ShareMetrics.Client, client },
            { ShareMetrics.Outcome, outcome },
        };
        ShareMetrics.Shares.Add(1, tags);
        ShareMetrics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }
}
