using System.IO.Pipelines;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Diagnostics;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.IO;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Sharing;

/// <summary>
/// The share pipeline: per file, read once (SHA-256 on the way) into the encryptor, whose output streams
/// through a bounded pipe into the policy check and then the uploader; the encrypted manifest goes last.
/// </summary>
internal sealed partial class ShareClient : IShareClient
{
    /// <summary>
    /// The path a manifest is bound to in its encryption context. Relative paths of files never start with '/',
    /// so no file's message can stand in for the manifest, nor the manifest for a file.
    /// </summary>
    internal const string ManifestContextPath = "/manifest.json";

    private const long ProgressStep = 4 * 1024 * 1024;
    private static readonly string LibraryVersion =
        "S3S2.Sharing/" + (typeof(ShareClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");

    private readonly string _name;
    private readonly ShareClientOptions _options;
    private readonly string _prefix;
    private readonly IEncryptor _encryptor;
    private readonly SharePolicy _policy;
    private readonly IUploader _uploader;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ShareClient(string name, ShareClientOptions options, IEncryptor encryptor, SharePolicy policy, IUploader uploader, TimeProvider time, ILogger logger)
    {
        _name = name;
        _options = options;
        _prefix = ObjectKeys.NormalizePrefix(options.Prefix);
        _encryptor = encryptor;
        _policy = policy;
        _uploader = uploader;
        _time = time;
        _logger = logger;
    }

    public Task<ShareReceipt> ShareAsync(IEnumerable<string> paths, IProgress<ShareProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var skipped = new List<string>();
        var sources = ShareSources.FromPaths(paths, skipped);
        foreach (var link in skipped)
        {
            LogSkippedLink(_logger, _name, link);
        }

        return ShareSourcesAsync(sources, progress, callerStream: null, cancellationToken);
    }

    public Task<ShareReceipt> ShareStreamAsync(Stream content, string name, IProgress<ShareProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        IReadOnlyList<ShareSource> sources;
        try
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            sources = [ShareSources.FromStream(content, name)];
        }
        catch
        {
            // A refused name fails the share too: the producer behind the stream must not wait for a reader forever.
            Release(content);
            throw;
        }

        return ShareSourcesAsync(sources, progress, content, cancellationToken);
    }

    /// <summary>Runs one share; any failure becomes a <see cref="ShareFailedException"/> naming the share and what was already uploaded.</summary>
    private async Task<ShareReceipt> ShareSourcesAsync(IReadOnlyList<ShareSource> sources, IProgress<ShareProgress>? progress, Stream? callerStream, CancellationToken cancellationToken)
    {
        var shareId = ShareId.New(_time.GetUtcNow());
        var uploaded = new List<string>();
        LogStarted(_logger, _name, shareId, sources.Count);
        try
        {
            return await ShareTelemetry.SendAsync(_name, shareId, sources.Count, () => ShareCoreAsync(shareId, sources, uploaded, progress, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            if (callerStream is not null)
            {
                Release(callerStream);
            }

            string[] keys;
            lock (uploaded)
            {
                keys = [.. uploaded];
            }

            if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                LogCancelled(_logger, _name, shareId, keys.Length);
                var cancelled = new ShareFailedException(shareId, keys, $"S3S2 client '{_name}': share {shareId} was cancelled after {keys.Length} object(s) were uploaded; no manifest was uploaded, so receivers never see it.", error);
                throw new OperationCanceledException(cancelled.Message, cancelled, cancellationToken);
            }

            LogFailed(_logger, _name, shareId, keys.Length, error.GetType().Name, error.Message);
            throw new ShareFailedException(
                shareId,
                keys,
                $"S3S2 client '{_name}': share {shareId} failed ({keys.Length} object(s) uploaded, no manifest, so receivers never see it): {error.Message}",
                error);
        }
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

    private async Task<ShareReceipt> ShareCoreAsync(string shareId, IReadOnlyList<ShareSource> sources, List<string> uploaded, IProgress<ShareProgress>? progress, CancellationToken cancellationToken)
    {
        var keyRoot = _prefix.Length == 0 ? shareId : $"{_prefix}/{shareId}";
        var suffix = _encryptor.Descriptor.ObjectKeySuffix;
        var files = new SharedFile[sources.Count];
        var completed = 0;

        await Parallel.ForEachAsync(
            Enumerable.Range(0, sources.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentFiles, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var source = sources[index];
                var key = $"{keyRoot}/{source.RelativePath}{suffix}";
                using var span = ShareTelemetry.StartSendFile(_name, shareId, key);
                var reported = 0L;
                using var plaintext = new HashingReadStream(source.Open(), bytesRead =>
                {
                    if (bytesRead - reported >= ProgressStep)
                    {
                        reported = bytesRead;
                        progress?.Report(new ShareProgress(source.RelativePath, bytesRead, Volatile.Read(ref completed), sources.Count));
                    }
                });
                await EncryptAndUploadAsync(key, new EncryptionContext(shareId, source.RelativePath), plaintext, token).ConfigureAwait(false);
                lock (uploaded)
                {
                    uploaded.Add(key);
                }

                files[index] = new SharedFile(source.RelativePath, key, plaintext.BytesRead, plaintext.HashHex());
                span.Completed(plaintext.BytesRead);
                progress?.Report(new ShareProgress(source.RelativePath, plaintext.BytesRead, Interlocked.Increment(ref completed), sources.Count));
            }).ConfigureAwait(false);

        var manifest = new ShareManifest(
            ShareManifest.CurrentFormatVersion,
            shareId,
            _time.GetUtcNow(),
            _options.SenderName,
            LibraryVersion,
            new ManifestEncryption(_encryptor.Descriptor.Mode, _encryptor.Descriptor.Recipients),
            files.Select(f => new ManifestFile(f.Path, f.Key, f.Size, f.Sha256, _encryptor.Descriptor.Compression)).ToArray());
        var manifestKey = $"{keyRoot}.manifest.json{suffix}";
        using (var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.ShareManifest), writable: false))
        {
            await EncryptAndUploadAsync(manifestKey, new EncryptionContext(shareId, ManifestContextPath), json, cancellationToken).ConfigureAwait(false);
        }

        LogShared(_logger, _name, shareId, files.Length, manifestKey);
        return new ShareReceipt(shareId, manifestKey, files);
    }

    private async Task EncryptAndUploadAsync(string key, EncryptionContext context, Stream plaintext, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
        var encrypting = Task.Run(
            async () =>
            {
                try
                {
                    var writer = pipe.Writer.AsStream(leaveOpen: true);
                    await _encryptor.EncryptAsync(plaintext, writer, context, stop.Token).ConfigureAwait(false);
                    await writer.FlushAsync(stop.Token).ConfigureAwait(false);
                    await pipe.Writer.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    await pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
                    throw;
                }
            },
            CancellationToken.None);

        try
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["s3s2-share-id"] = context.ShareId,
                ["s3s2-encryption"] = _encryptor.Descriptor.Mode,
            };
            var request = await _policy.AuthorizeAsync(key, metadata, pipe.Reader.AsStream(leaveOpen: true), stop.Token).ConfigureAwait(false);
            await _uploader.UploadAsync(request, stop.Token).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            try
            {
                await encrypting.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The upload path's error (which may be this very one, carried through the pipe) is the one to report.
            }

            throw;
        }

        await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        await encrypting.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "S3S2 client '{ClientName}': skipped '{Path}': a symbolic link whose target is missing or outside the shared directory")]
    private static partial void LogSkippedLink(ILogger logger, string clientName, string path);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "S3S2 client '{ClientName}': share {ShareId} started: {FileCount} file(s)")]
    private static partial void LogStarted(ILogger logger, string clientName, string shareId, int fileCount);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "S3S2 client '{ClientName}': share {ShareId} failed after {UploadedCount} object(s) were uploaded; no manifest was uploaded. {ErrorType}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string clientName, string shareId, int uploadedCount, string errorType, string reason);

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning, Message = "S3S2 client '{ClientName}': share {ShareId} cancelled after {UploadedCount} object(s) were uploaded; no manifest was uploaded")]
    private static partial void LogCancelled(ILogger logger, string clientName, string shareId, int uploadedCount);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "S3S2 client '{ClientName}': share {ShareId} complete: {FileCount} file(s), manifest '{ManifestKey}'")]
    private static partial void LogShared(ILogger logger, string clientName, string shareId, int fileCount, string manifestKey);
}
