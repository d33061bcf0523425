using System.Diagnostics;

namespace S3S2.Sharing.Diagnostics;

/// <summary>
/// The span of one file being sent or received. Disposed without an outcome, the file did not complete (its share failed
/// or was cancelled): the span ends with an error status, and the share's failure is what is counted.
/// </summary>
internal sealed class FileSpan(string direction, string client, Activity? activity) : IDisposable
{
    private bool _ended;

    /// <summary>The file went through: counts it and its plaintext bytes.</summary>
    public void Completed(long bytes)
    {
        activity?.SetTag("s3s2.bytes", bytes);
        var tags = new TagList { { ShareMetrics.Direction, direction }, { ShareMetrics.Client, client } };
        ShareMetrics.Files.Add(1, tags);
        ShareMetrics.Bytes.Add(bytes, tags);
        Ended(direction == ShareTelemetry.Send ? "sent" : "received");
    }

    /// <summary>The file ended without a transfer (already in place, skipped).</summary>
    public void Ended(string outcome)
    {
        activity?.SetTag(ShareMetrics.Outcome, outcome);
        _ended = true;
    }

    /// <summary>The file failed on its own (the share goes on): counts the failure.</summary>
    public void Failed(string outcome, string? message)
    {
        ShareTelemetry.Failed(activity, direction, client, "file", outcome, message);
        Ended(outcome);
    }

    public void Dispose()
    {
        if (!_ended)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "The file did not complete; see its share.").SetTag(ShareMetrics.Outcome, "failed");
        }

        activity?.Dispose();
    }
}
