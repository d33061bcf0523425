using System.Diagnostics;

namespace S3S2.Sharing.Diagnostics;

/// <summary>
/// The span and measurements of one share being sent (<c>s3s2.share.send</c>). A share session lives across several
/// calls of its caller (add files, complete, dispose), so its span is not left as <see cref="Activity.Current"/>: each
/// file's span (<c>s3s2.file.send</c>) names it as parent explicitly. It ends once, at the first of completed, failed
/// or abandoned.
/// </summary>
internal sealed class ShareSpan
{
    private readonly string _client;
    private readonly Activity? _activity;
    private readonly long _started = Stopwatch.GetTimestamp();
    private int _ended;

    private ShareSpan(string client, Activity? activity)
    {
        _client = client;
        _activity = activity;
    }

    /// <summary>Starts the span of a share being sent, as a child of the caller's current span.</summary>
    public static ShareSpan StartSend(string client, string shareId)
    {
        var callers = Activity.Current;
        var activity = S3S2Telemetry.ActivitySource.StartActivity("s3s2.share.send")?.SetTag(ShareMetrics.Client, client).SetTag("s3s2.share.id", shareId);
        Activity.Current = callers;
        return new ShareSpan(client, activity);
    }

    /// <summary>Starts the span of one file of this share; it is current while the file is encrypted and uploaded.</summary>
    public FileSpan StartFile(string key) => new(
        ShareTelemetry.Send,
        _client,
        S3S2Telemetry.ActivitySource.StartActivity("s3s2.file.send", ActivityKind.Internal, _activity?.Context ?? default)
            ?.SetTag(ShareMetrics.Client, _client).SetTag("s3s2.share.id", _activity?.GetTagItem("s3s2.share.id")).SetTag("s3s2.object.key", key));

    /// <summary>The manifest is uploaded: the share is complete.</summary>
    public void Completed(int fileCount, long bytes)
    {
        if (End())
        {
            _activity?.SetTag("s3s2.file.count", fileCount).SetTag("s3s2.bytes", bytes).SetTag(ShareMetrics.Outcome, "sent");
            Stop("sent");
        }
    }

    /// <summary>The share failed or was cancelled: counts the failure with the error's type.</summary>
    public void Failed(Exception error)
    {
        if (End())
        {
            var outcome = error is OperationCanceledException ? "cancelled" : "failed";
            ShareTelemetry.Failed(_activity, ShareTelemetry.Send, _client, "share", error.GetType().FullName!, error.Message);
            _activity?.SetTag(ShareMetrics.Outcome, outcome);
            Stop(outcome);
        }
    }

    /// <summary>The session was disposed before it completed: nothing failed, but no share was made.</summary>
    public void Abandoned()
    {
        if (End())
        {
            _activity?.SetTag(ShareMetrics.Outcome, "abandoned");
            Stop("abandoned");
        }
    }

    private bool End() => Interlocked.Exchange(ref _ended, 1) == 0;

    private void Stop(string outcome)
    {
        ShareTelemetry.Ended(ShareTelemetry.Send, _client, outcome, _started);
        _activity?.Dispose();
    }
}
