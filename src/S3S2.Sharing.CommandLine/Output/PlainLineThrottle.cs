namespace S3S2.Sharing.CommandLine.Output;

/// <summary>
/// When a plain progress view writes a line: once more files are complete, at most one line a second, and the last
/// one always, so a log shows how far a share got without a line per 250 ms report.
/// </summary>
internal sealed class PlainLineThrottle
{
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);
    private TimeSpan? _lastLine;
    private int _lastCompleted;

    /// <summary>Starts over (a new share).</summary>
    public void Reset()
    {
        _lastLine = null;
        _lastCompleted = 0;
    }

    /// <summary>Whether to write a line now; if so, counts it as written.</summary>
    /// <param name="filesCompleted">The files complete so far.</param>
    /// <param name="last">Whether this is the last report (always written once).</param>
    /// <param name="now">The time since the view started.</param>
    public bool ShouldWrite(int filesCompleted, bool last, TimeSpan now)
    {
        if (filesCompleted == _lastCompleted || (!last && now - _lastLine < MinimumInterval))
        {
            return false;
        }

        _lastCompleted = filesCompleted;
        _lastLine = now;
        return true;
    }
}
