namespace S3S2.Sharing.Diagnostics;

/// <summary>
/// The one place a share's progress is reported from, sending or receiving: parts only count bytes (lock-free); a timer
/// reports at a steady rate while something changed, and a file's completion reports at once. Reports are serialized.
/// Without a sink there is no timer and nothing is reported.
/// </summary>
/// <typeparam name="TReport">The public progress type the snapshots become.</typeparam>
internal abstract class ProgressReporter<TReport> : IDisposable
{
    internal static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly IProgress<TReport>? _progress;
    private readonly ITimer? _timer;
    private readonly object _gate = new();
    private readonly List<ProgressPart> _active = [];
    private int _fileCount;
    private int _completed;
    private long _completedBytes;
    private long _knownBytes;
    private long? _declaredBytes;
    private bool _final;
    private ProgressPart? _latest;
    private long _lastReportedTotal = -1;
    private int _lastReportedCompleted = -1;

    protected ProgressReporter(IProgress<TReport>? progress, TimeProvider time)
    {
        _progress = progress;
        _timer = progress is null ? null : time.CreateTimer(_ => Report(force: false), null, Interval, Interval);
    }

    /// <summary>Declares the whole share up front (sharing paths, a received manifest): the totals are final from the first report.</summary>
    public void Declare(int fileCount, long totalBytes)
    {
        lock (_gate)
        {
            _fileCount = fileCount;
            _declaredBytes = totalBytes;
            _final = true;
        }
    }

    /// <summary>Marks the totals final (the session is completing).</summary>
    public void MarkFinal()
    {
        lock (_gate)
        {
            _final = true;
        }
    }

    /// <summary>Counts a part that starts; <paramref name="knownLength"/> is its plaintext size when known.</summary>
    public ProgressPart Start(string path, long? knownLength)
    {
        var part = new ProgressPart(path, knownLength);
        lock (_gate)
        {
            _active.Add(part);
            if (_declaredBytes is null)
            {
                _fileCount++;
                _knownBytes += knownLength ?? 0;
            }
        }

        return part;
    }

    /// <summary>Counts a part that ended; completed, it is reported at once.</summary>
    public void End(ProgressPart part, bool completed)
    {
        lock (_gate)
        {
            _active.Remove(part);
            if (completed)
            {
                _completed++;
                _completedBytes += part.BytesRead;
                if (_declaredBytes is null && part.KnownLength is null)
                {
                    _knownBytes += part.BytesRead;
                }

                _latest = part;
            }
            else if (_declaredBytes is null)
            {
                _fileCount--;
                _knownBytes -= part.KnownLength ?? 0;
            }
        }

        if (completed)
        {
            Report(force: true);
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Makes the public report of one snapshot.</summary>
    protected abstract TReport Create(in ProgressSnapshot snapshot);

    private void Report(bool force)
    {
        if (_progress is null)
        {
            return;
        }

        // One report at a time, in order: the lock is held while the caller's handler runs (it is meant to be quick).
        lock (_gate)
        {
            var read = _completedBytes;
            var unknownRead = 0L;
            foreach (var part in _active)
            {
                var bytes = part.BytesRead;
                read += bytes;
                if (part.KnownLength is null)
                {
                    unknownRead += bytes;
                }
            }

            if (!force && read == _lastReportedTotal && _completed == _lastReportedCompleted)
            {
                return;
            }

            var latest = _active.Count > 0 ? _active[^1] : _latest;
            if (latest is null)
            {
                return;
            }

            _lastReportedTotal = read;
            _lastReportedCompleted = _completed;
            _progress.Report(Create(new ProgressSnapshot(latest.Path, latest.BytesRead, latest.KnownLength, _completed, _fileCount, read, _declaredBytes ?? (_knownBytes + unknownRead), _final)));
        }
    }
}
