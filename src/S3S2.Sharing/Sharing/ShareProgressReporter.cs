namespace S3S2.Sharing.Sharing;

/// <summary>
/// The one place a share's progress is reported from: parts only count bytes (lock-free); a timer reports at a steady
/// rate while something changed, and a file's completion reports at once. Reports are serialized.
/// </summary>
internal sealed class ShareProgressReporter : IDisposable
{
    internal static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly IProgress<ShareProgress>? _progress;
    private readonly ITimer? _timer;
    private readonly object _gate = new();
    private readonly List<Part> _active = [];
    private int _fileCount;
    private int _completed;
    private long _completedBytes;
    private long _knownBytes;
    private long? _declaredBytes;
    private bool _final;
    private Part? _latest;
    private long _lastReportedTotal = -1;
    private int _lastReportedCompleted = -1;

    public ShareProgressReporter(IProgress<ShareProgress>? progress, TimeProvider time)
    {
        _progress = progress;
        _timer = progress is null ? null : time.CreateTimer(_ => Report(force: false), null, Interval, Interval);
    }

    /// <summary>Declares the whole share up front (sharing paths): the totals are final from the first report.</summary>
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
    public Part Start(string path, long? knownLength)
    {
        var part = new Part(path, knownLength);
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
    public void End(Part part, bool completed)
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

    public void Dispose() => _timer?.Dispose();

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
            _progress.Report(new ShareProgress(latest.Path, latest.BytesRead, _completed, _fileCount)
            {
                TotalBytesRead = read,
                TotalBytes = _declaredBytes ?? (_knownBytes + unknownRead),
                TotalsFinal = _final,
            });
        }
    }

    /// <summary>One file being read: only its byte count changes, from the reading thread.</summary>
    internal sealed class Part(string path, long? knownLength)
    {
        private long _bytesRead;

        public string Path { get; } = path;

        public long? KnownLength { get; } = knownLength;

        public long BytesRead
        {
            get => Volatile.Read(ref _bytesRead);
            set => Volatile.Write(ref _bytesRead, value);
        }
    }
}
