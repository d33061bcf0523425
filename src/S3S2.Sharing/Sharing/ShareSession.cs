using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Diagnostics;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.IO;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.Sharing;

/// <summary>
/// One share in the making: every part goes through <see cref="ShareClient.EncryptAndUploadAsync"/> as it is added, at
/// most <see cref="ShareClientOptions.MaxConcurrentFiles"/> at once; the manifest goes last. The first failure fails the
/// whole share once (logged once, one exception instance for every caller); disposing without completing abandons it.
/// </summary>
internal sealed partial class ShareSession : IShareSession
{
    private readonly ShareClient _client;
    private readonly ShareSessionOptions? _options;
    private readonly CancellationToken _sessionToken;
    private readonly CancellationTokenSource _stop;
    private readonly SemaphoreSlim _slots;
    private readonly ShareProgressReporter _progress;
    private readonly ILogger _logger;
    private readonly ShareSpan _span;
    private readonly object _gate = new();
    private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);
    private PathTree _tree = new();
    private readonly List<SharedFile> _files = [];
    private readonly List<string> _uploaded = [];
    private readonly List<Task> _writers = [];
    private readonly List<string> _openWriters = [];
    private int _running;
    private State _state;
    private Exception? _failure;

    public ShareSession(ShareClient client, string shareId, ShareSessionOptions? options, IProgress<ShareProgress>? progress, ILogger logger, CancellationToken cancellationToken)
    {
        _client = client;
        ShareId = shareId;
        _options = options;
        _sessionToken = cancellationToken;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _slots = new SemaphoreSlim(client.Options.MaxConcurrentFiles);
        _progress = new ShareProgressReporter(progress, client.Time);
        _logger = logger;
        _span = ShareSpan.StartSend(client.Name, shareId);
        LogStarted(_logger, client.Name, shareId);
    }

    private enum State
    {
        Open,
        Completing,
        Completed,
        Failed,
        Abandoned,
    }

    public string ShareId { get; }

    public IReadOnlyList<string> UploadedKeys
    {
        get
        {
            lock (_gate)
            {
                return [.. _uploaded];
            }
        }
    }

    public bool IsCompleted
    {
        get
        {
            lock (_gate)
            {
                return _state == State.Completed;
            }
        }
    }

    internal ShareProgressReporter Progress => _progress;

    public async Task<SharedFile> AddFileAsync(string path, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var source = ShareSources.FromFile(path, name ?? Path.GetFileName(Path.GetFullPath(path)));
        return await AddSourceAsync(source, callerStream: null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SharedFile>> AddDirectoryAsync(string directory, string? subPath = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var skipped = new List<string>();
        var sources = ShareSources.FromDirectory(directory, subPath ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))), skipped);
        foreach (var link in skipped)
        {
            _client.LogSkipped(link);
        }

        // All or none reserved: a directory colliding with an earlier part is refused before any of it is sent.
        Reserve(sources.Select(s => s.RelativePath).ToList());
        var files = new SharedFile[sources.Count];
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, sources.Count),
                new ParallelOptions { MaxDegreeOfParallelism = _client.Options.MaxConcurrentFiles, CancellationToken = cancellationToken },
                async (index, token) => files[index] = await UploadReservedAsync(sources[index], null, token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Fail(ex, cancellationToken);
        }

        return files;
    }

    public Task<SharedFile> AddStreamAsync(Stream content, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return AddSourceAsync(ShareSources.FromStream(content, name), content, cancellationToken);
    }

    public async Task<Stream> OpenWriteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var path = ShareSources.FromStream(Stream.Null, name).RelativePath;
        Reserve([path]);
        Enter();
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, cancellationToken);
            await _slots.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Leave();
            throw Fail(ex, cancellationToken);
        }

        // Segments of 64 KiB, not the default 4 KiB: up to 1 MiB in flight is then a few dozen pooled arrays, within what
        // ArrayPool.Shared keeps per size. With 4 KiB segments (256 in flight) most went past it, and a 256 MiB file
        // allocated 187 MiB of arrays that the GC collected late (peak memory twice ShareAsync's).
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));
        var upload = Task.Run(
            async () =>
            {
                try
                {
                    var reader = pipe.Reader.AsStream(leaveOpen: true);
                    // Only the session's token stops it from here on: the caller's token covered waiting for a slot.
                    await UploadAsync(new ShareSource(path, () => reader), CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    // Completing the reader wakes a writer waiting for room: its write then sees the share's failure.
                    await pipe.Reader.CompleteAsync().ConfigureAwait(false);
                    _slots.Release();
                }
            },
            CancellationToken.None);
        lock (_gate)
        {
            _writers.Add(upload);
            _openWriters.Add(path);
        }

        return new ShareWriteStream(pipe.Writer, upload, () => _failure ?? new InvalidOperationException($"Share {ShareId}: the upload of '{path}' has already ended."), () =>
        {
            lock (_gate)
            {
                _openWriters.Remove(path);
            }

            Leave();
        });
    }

    public async Task<ShareReceipt> CompleteAsync(CancellationToken cancellationToken = default)
    {
        SharedFile[] files;
        lock (_gate)
        {
            ThrowIfNotOpen();
            if (_openWriters.Count > 0)
            {
                throw new InvalidOperationException($"Share {ShareId}: {_openWriters.Count} writable file(s) are still open ('{string.Join("', '", _openWriters)}'). Dispose each writer (which ends its file) before CompleteAsync.");
            }

            if (_running > 0)
            {
                throw new InvalidOperationException($"Share {ShareId}: {_running} add(s) are still running. Await every AddFileAsync/AddDirectoryAsync/AddStreamAsync before CompleteAsync.");
            }

            if (_files.Count == 0)
            {
                throw new InvalidOperationException($"Share {ShareId} has no file. Add at least one file, directory, stream or writable file before CompleteAsync.");
            }

            _state = State.Completing;
            files = [.. _files.OrderBy(f => f.Path, StringComparer.Ordinal)];
        }

        _progress.MarkFinal();
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, cancellationToken);
            var manifestKey = await _client.UploadManifestAsync(ShareId, files, _options, linked.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _state = State.Completed;
            }

            _progress.Dispose();
            var bytes = files.Sum(f => f.Size);
            LogCompleted(_logger, _client.Name, ShareId, files.Length, bytes, manifestKey);
            _span.Completed(files.Length, bytes);
            return new ShareReceipt(ShareId, manifestKey, files);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Fail(ex, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        State previous;
        Task[] writers;
        lock (_gate)
        {
            previous = _state;
            if (previous is State.Completed or State.Abandoned)
            {
                // The link to the caller's token is released here, so a long-lived token (a host's) does not keep sessions alive.
                _stop.Dispose();
                return;
            }

            _state = State.Abandoned;
            writers = [.. _writers];
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(writers).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Each writer's own failure was reported to its producer; abandoning is what remains to report.
        }

        _progress.Dispose();
        _span.Abandoned();
        _stop.Dispose();
        if (previous != State.Failed && _logger.IsEnabled(LogLevel.Warning))
        {
            var keys = UploadedKeys;
            LogAbandoned(_logger, _client.Name, ShareId, keys.Count, string.Join(", ", keys));
        }
    }

    /// <summary>Adds a source whose path is not yet reserved; the caller's stream, if any, is released when the share fails.</summary>
    internal async Task<SharedFile> AddSourceAsync(ShareSource source, Stream? callerStream, CancellationToken cancellationToken)
    {
        try
        {
            Reserve([source.RelativePath]);
        }
        catch when (callerStream is not null)
        {
            Release(callerStream);
            throw;
        }

        return await UploadReservedAsync(source, callerStream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The one place a share fails: the first error is logged and becomes the exception every caller sees.</summary>
    internal Exception Fail(Exception error, CancellationToken callerToken)
    {
        if (error is ShareFailedException || error is OperationCanceledException { InnerException: ShareFailedException })
        {
            return error;
        }

        Exception failure;
        bool abandoned;
        lock (_gate)
        {
            if (_failure is not null)
            {
                return _failure;
            }

            var keys = _uploaded.ToArray();
            abandoned = _state == State.Abandoned;
            if (_state == State.Abandoned)
            {
                failure = new ShareFailedException(ShareId, keys, $"S3S2 client '{_client.Name}': share {ShareId} was abandoned (disposed before CompleteAsync); no manifest was uploaded, so receivers never see it.", error);
            }
            else if (error is OperationCanceledException && (callerToken.IsCancellationRequested || _sessionToken.IsCancellationRequested))
            {
                LogCancelled(_logger, _client.Name, ShareId, keys.Length);
                var cancelled = new ShareFailedException(ShareId, keys, $"S3S2 client '{_client.Name}': share {ShareId} was cancelled after {keys.Length} object(s) were uploaded; no manifest was uploaded, so receivers never see it.", error);
                failure = new OperationCanceledException(cancelled.Message, cancelled, _sessionToken.IsCancellationRequested ? _sessionToken : callerToken);
                _state = State.Failed;
            }
            else
            {
                LogFailed(_logger, _client.Name, ShareId, keys.Length, error.GetType().Name, error.Message);
                failure = new ShareFailedException(
                    ShareId,
                    keys,
                    $"S3S2 client '{_client.Name}': share {ShareId} failed ({keys.Length} object(s) uploaded, no manifest, so receivers never see it): {error.Message}",
                    error);
                _state = State.Failed;
            }

            _failure = failure;
        }

        if (!abandoned)
        {
            _span.Failed(error);
        }

        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: nothing of the session runs any more.
        }

        return failure;
    }

    private static void Release(Stream stream)
    {
        try
        {
            stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The share's own error is the one to report; the stream is released as far as it can be.
        }
    }

    private async Task<SharedFile> UploadReservedAsync(ShareSource source, Stream? callerStream, CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, cancellationToken))
            {
                await _slots.WaitAsync(linked.Token).ConfigureAwait(false);
            }

            try
            {
                return await UploadAsync(source, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (callerStream is not null)
            {
                Release(callerStream);
            }

            throw Fail(ex, cancellationToken);
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Reads one part once (hashing it and counting progress) into encryption and upload, and records it.</summary>
    private async Task<SharedFile> UploadAsync(ShareSource source, CancellationToken callerToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, callerToken);
        var key = _client.KeyOf(ShareId, source.RelativePath);
        using var span = _span.StartFile(key);
        var part = _progress.Start(source.RelativePath, source.Length);
        var completed = false;
        try
        {
            using var plaintext = new HashingReadStream(source.Open(), read => part.BytesRead = read);
            await _client.EncryptAndUploadAsync(key, new EncryptionContext(ShareId, source.RelativePath), plaintext, linked.Token).ConfigureAwait(false);
            var file = new SharedFile(source.RelativePath, key, plaintext.BytesRead, plaintext.HashHex());
            span.Completed(file.Size);
            lock (_gate)
            {
                _uploaded.Add(key);
                _files.Add(file);
            }

            completed = true;
            return file;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Fail(ex, callerToken);
        }
        finally
        {
            _progress.End(part, completed);
        }
    }

    /// <summary>
    /// Claims relative paths for this share, all or none: a path (or one differing only in case or Unicode form) is used
    /// once, and no file may sit where another path needs a folder, as the receiver requires.
    /// </summary>
    private void Reserve(IReadOnlyList<string> paths)
    {
        lock (_gate)
        {
            ThrowIfNotOpen();
            foreach (var path in paths)
            {
                if (_paths.TryGetValue(RelativePaths.FoldCase(path), out var existing))
                {
                    throw new ArgumentException(existing == path
                        ? $"Share {ShareId} already has a file '{path}'. Give each part its own relative path."
                        : $"Share {ShareId} already has '{existing}', which collides with '{path}' (receivers on Windows and macOS fold case and Unicode forms). Give each part its own relative path.");
                }
            }

            foreach (var path in paths)
            {
                if (_tree.Add(RelativePaths.FoldCase(path)) is { } collision)
                {
                    // Rebuilt from the claimed paths only, so the refused part leaves no trace.
                    _tree = new PathTree();
                    foreach (var claimed in _paths.Keys)
                    {
                        _tree.Add(claimed);
                    }

                    throw new ArgumentException($"Share {ShareId} cannot take '{path}': it {collision}. Give each part its own relative path.");
                }
            }

            foreach (var path in paths)
            {
                _paths.Add(RelativePaths.FoldCase(path), path);
            }
        }
    }

    /// <summary>Counts a running add, so CompleteAsync can refuse while one runs.</summary>
    private void Enter()
    {
        lock (_gate)
        {
            ThrowIfNotOpen();
            _running++;
        }
    }

    private void Leave()
    {
        lock (_gate)
        {
            _running--;
        }
    }

    private void ThrowIfNotOpen()
    {
        switch (_state)
        {
            case State.Failed:
                throw _failure!;
            case State.Abandoned:
                throw new ObjectDisposedException(nameof(IShareSession), $"Share {ShareId} was disposed (abandoned); start a new share with BeginShareAsync.");
            case State.Completing or State.Completed:
                throw new InvalidOperationException($"Share {ShareId} is already complete; start a new share with BeginShareAsync to send more.");
        }
    }

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "S3S2 client '{ClientName}': share {ShareId} started")]
    private static partial void LogStarted(ILogger logger, string clientName, string shareId);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "S3S2 client '{ClientName}': share {ShareId} complete: {FileCount} file(s), {ByteCount} bytes, manifest '{ManifestKey}'")]
    private static partial void LogCompleted(ILogger logger, string clientName, string shareId, int fileCount, long byteCount, string manifestKey);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "S3S2 client '{ClientName}': share {ShareId} failed after {UploadedCount} object(s) were uploaded; no manifest was uploaded. {ErrorType}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string clientName, string shareId, int uploadedCount, string errorType, string reason);

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning, Message = "S3S2 client '{ClientName}': share {ShareId} cancelled after {UploadedCount} object(s) were uploaded; no manifest was uploaded")]
    private static partial void LogCancelled(ILogger logger, string clientName, string shareId, int uploadedCount);

    [LoggerMessage(EventId = 25, Level = LogLevel.Warning, Message = "S3S2 client '{ClientName}': share {ShareId} abandoned (disposed before CompleteAsync) after {UploadedCount} object(s) were uploaded; no manifest was uploaded, so receivers never see it. Uploaded: {UploadedKeys}")]
    private static partial void LogAbandoned(ILogger logger, string clientName, string shareId, int uploadedCount, string uploadedKeys);
}
