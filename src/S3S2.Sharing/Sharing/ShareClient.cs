using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.IO;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Sharing;

/// <summary>
/// The share pipeline: per file, read once (SHA-256 on the way) into the encryptor, whose output streams
/// through a bounded hand-off of pooled buffers (<see cref="BufferHandOff"/>) into the policy check and then the uploader; the encrypted manifest goes last.
/// Every share runs as a <see cref="ShareSession"/>; <see cref="ShareAsync"/> and <see cref="ShareStreamAsync"/> are
/// sessions with their parts known up front.
/// </summary>
internal sealed partial class ShareClient : IShareClient
{
    /// <summary>
    /// The path a manifest is bound to in its encryption context. Relative paths of files never start with '/',
    /// so no file's message can stand in for the manifest, nor the manifest for a file.
    /// </summary>
    internal const string ManifestContextPath = "/manifest.json";

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
    private readonly ILogger _sessionLogger;
    private readonly ManifestSigner? _signer;

    public ShareClient(string name, ShareClientOptions options, IEncryptor encryptor, SharePolicy policy, IUploader uploader, TimeProvider time, ILogger logger, ILogger? sessionLogger = null, ManifestSigner? signer = null)
    {
        _signer = signer;
        _name = name;
        _options = options;
        _prefix = ObjectKeys.NormalizePrefix(options.Prefix);
        _encryptor = encryptor;
        _policy = policy;
        _uploader = uploader;
        _time = time;
        _logger = logger;
        _sessionLogger = sessionLogger ?? logger;
    }

    internal string Name => _name;

    internal ShareClientOptions Options => _options;

    internal TimeProvider Time => _time;

    public async Task<ShareReceipt> ShareAsync(IEnumerable<string> paths, IProgress<ShareProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var skipped = new List<string>();
        var sources = ShareSources.FromPaths(paths, skipped);
        foreach (var link in skipped)
        {
            LogSkipped(link);
        }

        var session = Begin(null, progress, cancellationToken);
        await using (session.ConfigureAwait(false))
        {
            session.Progress.Declare(sources.Count, sources.Sum(s => s.Length ?? 0));
            try
            {
                await Parallel.ForEachAsync(
                    sources,
                    new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentFiles, CancellationToken = cancellationToken },
                    async (source, token) => await session.AddSourceAsync(source, null, token).ConfigureAwait(false)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw session.Fail(ex, cancellationToken);
            }

            return await session.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<ShareReceipt> ShareStreamAsync(Stream content, string name, IProgress<ShareProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ShareSource source;
        try
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            source = ShareSources.FromStream(content, name);
        }
        catch
        {
            // A refused name fails the share too: the producer behind the stream must not wait for a reader forever.
            Release(content);
            throw;
        }

        var session = Begin(null, progress, cancellationToken);
        await using (session.ConfigureAwait(false))
        {
            session.Progress.Declare(1, content.CanSeek ? Math.Max(0, content.Length - content.Position) : 0);
            await session.AddSourceAsync(source, content, cancellationToken).ConfigureAwait(false);
            return await session.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<IShareSession> BeginShareAsync(ShareSessionOptions? options = null, IProgress<ShareProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options is not null && FindProblems(options) is { Count: > 0 } problems)
        {
            throw new ArgumentException($"S3S2 client '{_name}': the share options are invalid: {string.Join(" ", problems)}", nameof(options));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IShareSession>(Begin(options, progress, cancellationToken));
    }

    internal void LogSkipped(string link) => LogSkippedLink(_logger, _name, link);

    internal string KeyOf(string shareId, string relativePath) => $"{KeyRoot(shareId)}/{relativePath}{_encryptor.Descriptor.ObjectKeySuffix}";

    /// <summary>Encrypts and uploads the manifest of a share whose files are all uploaded; returns its key.</summary>
    internal async Task<string> UploadManifestAsync(string shareId, IReadOnlyList<SharedFile> files, ShareSessionOptions? options, CancellationToken cancellationToken)
    {
        var manifest = new ShareManifest(
            ShareManifest.CurrentFormatVersion,
            shareId,
            _time.GetUtcNow(),
            _options.SenderName,
            LibraryVersion,
            new ManifestEncryption(_encryptor.Descriptor.Mode, _encryptor.Descriptor.Recipients),
            files.Select(f => new ManifestFile(f.Path, f.Key, f.Size, f.Sha256, _encryptor.Descriptor.Compression)).ToArray())
        {
            Labels = options is { Labels.Count: > 0 } ? new SortedDictionary<string, string>(options.Labels, StringComparer.Ordinal) : null,
            IdempotencyKey = options?.IdempotencyKey,
            Signer = _signer,
        };
        var manifestKey = $"{KeyRoot(shareId)}.manifest.json{_encryptor.Descriptor.ObjectKeySuffix}";
        using var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.ShareManifest), writable: false);
        await EncryptAndUploadAsync(manifestKey, new EncryptionContext(shareId, ManifestContextPath), json, cancellationToken).ConfigureAwait(false);
        return manifestKey;
    }

    private static List<string> FindProblems(ShareSessionOptions options)
    {
        var problems = new List<string>();
        if (options.Labels.Count > ShareSessionOptions.MaxLabels)
        {
            problems.Add($"{options.Labels.Count} labels, at most {ShareSessionOptions.MaxLabels} are allowed.");
        }

        foreach (var (name, value) in options.Labels)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > ShareSessionOptions.MaxNameLength || name.Any(char.IsControl))
            {
                problems.Add($"Label name '{name}' must be 1 to {ShareSessionOptions.MaxNameLength} characters without control characters.");
            }

            if (value is null || value.Length > ShareSessionOptions.MaxValueLength || value.Any(char.IsControl))
            {
                problems.Add($"The value of label '{name}' must be at most {ShareSessionOptions.MaxValueLength} characters without control characters.");
            }
        }

        if (options.IdempotencyKey is { } key && (string.IsNullOrWhiteSpace(key) || key.Length > ShareSessionOptions.MaxNameLength || key.Any(char.IsControl)))
        {
            problems.Add($"IdempotencyKey must be 1 to {ShareSessionOptions.MaxNameLength} characters without control characters, or null.");
        }

        return problems;
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

    private ShareSession Begin(ShareSessionOptions? options, IProgress<ShareProgress>? progress, CancellationToken cancellationToken) =>
        new(this, ShareId.New(_time.GetUtcNow()), options, progress, _sessionLogger, cancellationToken);

    private string KeyRoot(string shareId) => _prefix.Length == 0 ? shareId : $"{_prefix}/{shareId}";

    internal async Task EncryptAndUploadAsync(string key, EncryptionContext context, Stream plaintext, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // The encryptor's pooled buffers go to the policy and the uploader as they are (no pipe to copy them into and
        // out of); a few queued segments bound the memory, and either side failing ends the other.
        using var handOff = new BufferHandOff();
        var encrypting = Task.Run(
            async () =>
            {
                try
                {
                    await _encryptor.EncryptAsync(plaintext, handOff.Writer, context, stop.Token).ConfigureAwait(false);
                    await handOff.CompleteWritingAsync(stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    handOff.FailWriting(ex);
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
            var request = await _policy.AuthorizeAsync(key, metadata, handOff.Reader, stop.Token).ConfigureAwait(false);

            // The checked body's pooled buffers go back (cleared) however the upload ends.
            await using (request.Body.ConfigureAwait(false))
            {
                await _uploader.UploadAsync(request, stop.Token).ConfigureAwait(false);
            }
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            handOff.CompleteReading();
            try
            {
                await encrypting.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The upload path's error (which may be this very one, carried through the hand-off) is the one to report.
            }

            throw;
        }

        handOff.CompleteReading();
        await encrypting.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "S3S2 client '{ClientName}': skipped '{Path}': a symbolic link whose target is missing or outside the shared directory")]
    private static partial void LogSkippedLink(ILogger logger, string clientName, string path);
}
