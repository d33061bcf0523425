using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Sharing;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// The receive pipeline: list manifests under the prefix; per share, decrypt and check the manifest, then per file
/// download streamed, decrypt (integrity verified), count and hash into a hidden temporary file beside the target, and
/// rename it into place only when size and SHA-256 match the manifest. Nothing is ever overwritten.
/// </summary>
internal sealed partial class ReceiveClient : IReceiveClient
{
    internal const string ManifestName = ".manifest.json";
    internal const string ReceivedMarkerSuffix = ".received";
    private const int BufferSize = 64 * 1024;
    private const int MaxManifestBytes = 64 * 1024 * 1024;

    private readonly string _name;
    private readonly ReceiveClientOptions _options;
    private readonly string _prefix;
    private readonly IShareStore? _store;
    private readonly DecryptorSet _decryptors;
    private readonly ILogger _logger;

    public ReceiveClient(string name, ReceiveClientOptions options, string prefix, IShareStore? store, DecryptorSet decryptors, ILogger logger)
    {
        _name = name;
        _options = options;
        _prefix = prefix;
        _store = store;
        _decryptors = decryptors;
        _logger = logger;
    }

    private IShareStore Store => _store ?? throw new InvalidOperationException(
        $"S3S2 receive client '{_name}': no store is configured to read shares from. Call AddS3Uploader(...) or AddLocalFolderStore(folder) on the same builder.");

    public async Task<ShareListing> ListSharesAsync(CancellationToken cancellationToken = default)
    {
        var listing = await Store.ListAsync(_prefix, cancellationToken).ConfigureAwait(false);
        var complete = new SortedDictionary<string, AvailableShare>(StringComparer.Ordinal);
        var duplicated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in listing.ObjectKeys)
        {
            var name = NameUnderPrefix(key);
            var end = name.IndexOf(ManifestName, StringComparison.Ordinal);
            if (end > 0 && ShareId.IsValid(name[..end]) && _decryptors.IsWrittenSuffix(name[(end + ManifestName.Length)..])
                && !complete.TryAdd(name[..end], new AvailableShare(name[..end], key)))
            {
                duplicated.Add(name[..end]);
                LogDuplicateManifest(_logger, _name, name[..end], key);
            }
        }

        // Two manifests for one share: one was planted. Neither is trusted; the share is not offered.
        foreach (var id in duplicated)
        {
            complete.Remove(id);
        }

        var incomplete = listing.Folders.Select(NameUnderPrefix)
            .Where(id => ShareId.IsValid(id) && !complete.ContainsKey(id))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var id in incomplete)
        {
            LogIncomplete(_logger, _name, id);
        }

        return new ShareListing(complete.Values.ToList(), incomplete);
    }

    public async Task<ReceivedShare> ReceiveShareAsync(string shareId, string outputDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shareId);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        if (!ShareId.IsValid(shareId))
        {
            throw new ArgumentException($"'{shareId}' is not a share id (expected the form 20261127T004512345Z-1a2b3c4d). Use an id from ListSharesAsync (CLI: s3s2 list).", nameof(shareId));
        }

        var listing = await ListSharesAsync(cancellationToken).ConfigureAwait(false);
        var share = listing.Complete.FirstOrDefault(s => s.ShareId == shareId);
        if (share is null)
        {
            var where = $"under prefix '{_prefix}' in {Store.Description}";
            throw new ArgumentException(listing.Incomplete.Contains(shareId)
                ? $"Share {shareId} {where} is incomplete (no manifest yet): the sender has not finished it. Try again later."
                : $"There is no share {shareId} {where}. List the shares with ListSharesAsync (CLI: s3s2 list).", nameof(shareId));
        }

        return await ReceiveAsync(share, Path.GetFullPath(outputDirectory), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ReceivedShare>> ReceiveAllAsync(string outputDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        var root = Path.GetFullPath(outputDirectory);
        var listing = await ListSharesAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<ReceivedShare>();
        var keyErrors = new List<EncryptionKeyException>();
        foreach (var share in listing.Complete)
        {
            var directory = Path.Combine(root, share.ShareId);
            if (File.Exists(MarkerOf(root, share.ShareId)))
            {
                results.Add(new ReceivedShare(share.ShareId, ReceiveStatus.AlreadyReceived, directory, [], null));
                continue;
            }

            try
            {
                results.Add(await ReceiveAsync(share, root, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is EncryptionKeyException or Amazon.Runtime.AmazonServiceException or IOException or UnauthorizedAccessException)
            {
                // One share that cannot be read (planted with another key, a KMS key that refuses, a store error)
                // must not keep every later share from being received.
                if (ex is EncryptionKeyException keyError)
                {
                    keyErrors.Add(keyError);
                }

                LogShareFailed(_logger, _name, share.ShareId, ReceiveStatus.Failed, ex.Message);
                results.Add(new ReceivedShare(share.ShareId, ReceiveStatus.Failed, directory, [], ex.Message));
            }
        }

        // When every share this run tried failed for want of a key, the keys are what is wrong: say so as such.
        // Any other outcome (received, integrity failure, conflict, already received) is reported in the results.
        var attempted = results.Count(r => r.Status is not ReceiveStatus.AlreadyReceived);
        if (keyErrors.Count > 0 && keyErrors.Count == attempted && results.Count == attempted)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(keyErrors[0]);
        }

        return results;
    }

    public async Task DecryptObjectAsync(string key, string outputPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        if (ObjectKeys.FindProblem(key) is { } problem)
        {
            throw new ArgumentException($"Object key '{key}' {problem}.", nameof(key));
        }

        var body = await Store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var (decryptor, message) = await _decryptors.ForContentAsync(body, cancellationToken).ConfigureAwait(false);
            await DecryptToFileAsync(message, decryptor, $"object '{key}'", outputPath, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task DecryptFileAsync(string inputPath, string outputPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        await using (input.ConfigureAwait(false))
        {
            var (decryptor, message) = await _decryptors.ForContentAsync(input, cancellationToken).ConfigureAwait(false);
            await DecryptToFileAsync(message, decryptor, $"file '{inputPath}'", outputPath, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task DecryptAsync(Stream ciphertext, Stream plaintext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(plaintext);
        var (decryptor, message) = await _decryptors.ForContentAsync(ciphertext, cancellationToken).ConfigureAwait(false);
        await decryptor.DecryptAsync(message, plaintext, new DecryptionMessage("message stream", null), cancellationToken).ConfigureAwait(false);
    }

    private static string MarkerOf(string root, string shareId) => Path.Combine(root, shareId + ReceivedMarkerSuffix);

    private static async Task<(long Size, string Sha256)> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
            return (file.Length, Convert.ToHexString(hash).ToLowerInvariant());
        }
    }

    /// <summary>Removes what an interrupted receive left; recent ones may belong to a receive still running.</summary>
    private static void RemoveStalePartials(string directory, string fileName)
    {
        foreach (var stale in Directory.EnumerateFiles(directory, TemporaryFile.PatternFor(fileName)))
        {
            if (File.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddHours(-1))
            {
                TemporaryFile.DeleteQuietly(stale);
            }
        }
    }

    private static ReceiveStatus Worst(IEnumerable<ReceiveStatus> statuses)
    {
        var all = statuses.ToList();
        return all.Contains(ReceiveStatus.IntegrityFailed) ? ReceiveStatus.IntegrityFailed
            : all.Contains(ReceiveStatus.Failed) ? ReceiveStatus.Failed
            : all.Contains(ReceiveStatus.Conflict) ? ReceiveStatus.Conflict
            : all.Count > 0 && all.TrueForAll(s => s == ReceiveStatus.AlreadyReceived) ? ReceiveStatus.AlreadyReceived
            : ReceiveStatus.Received;
    }

    private string NameUnderPrefix(string key) => _prefix.Length == 0 ? key : key[(_prefix.Length + 1)..];

    private string KeyRootOf(string shareId) => _prefix.Length == 0 ? shareId : $"{_prefix}/{shareId}";

    private async Task<ReceivedShare> ReceiveAsync(AvailableShare share, string root, CancellationToken cancellationToken)
    {
        var shareDirectory = Path.Combine(root, share.ShareId);
        IReadOnlyList<PlannedFile> plan;
        IDecryptor decryptor;
        try
        {
            var manifest = await ReadManifestAsync(share, cancellationToken).ConfigureAwait(false);
            plan = ManifestCheck.Plan(manifest, share.ShareId, KeyRootOf(share.ShareId), shareDirectory, $"The manifest of share {share.ShareId}");
            decryptor = _decryptors.ForMode(manifest!.Encryption.Mode, share.ShareId);
        }
        catch (Exception ex) when (ex is IntegrityException or NotSupportedException or ObjectNotFoundException)
        {
            var status = ex is IntegrityException ? ReceiveStatus.IntegrityFailed : ReceiveStatus.Failed;
            LogShareFailed(_logger, _name, share.ShareId, status, ex.Message);
            return new ReceivedShare(share.ShareId, status, shareDirectory, [], ex.Message);
        }

        var created = new ConcurrentBag<string>();
        var files = new ReceivedFile[plan.Count];
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, plan.Count),
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentFiles, CancellationToken = cancellationToken },
                async (index, token) => files[index] = await ReceiveFileAsync(share.ShareId, shareDirectory, plan[index], decryptor, created, token).ConfigureAwait(false))
                .ConfigureAwait(false);
        }
        finally
        {
            RemoveEmptyFolders(created);
        }

        var outcome = Worst(files.Select(f => f.Status));
        if (outcome is ReceiveStatus.Received or ReceiveStatus.AlreadyReceived)
        {
            if (_options.DeleteAfterReceive)
            {
                try
                {
                    foreach (var file in plan)
                    {
                        await Store.DeleteAsync(file.Entry.Key, cancellationToken).ConfigureAwait(false);
                    }

                    await Store.DeleteAsync(share.ManifestKey, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Amazon.Runtime.AmazonServiceException)
                {
                    // The files are in place and verified: a failed clean-up is worth a warning, not a failed share.
                    LogDeleteFailed(_logger, _name, share.ShareId, ex.Message);
                }
            }

            Directory.CreateDirectory(root);
            await WriteMarkerAsync(MarkerOf(root, share.ShareId), share.ManifestKey, cancellationToken).ConfigureAwait(false);
            LogShareReceived(_logger, _name, share.ShareId, files.Length, outcome);
        }
        else
        {
            LogShareFailed(_logger, _name, share.ShareId, outcome, string.Join("; ", files.Where(f => f.Error is not null).Select(f => f.Error)));
        }

        return new ReceivedShare(share.ShareId, outcome, shareDirectory, files, null);
    }

    /// <summary>Writes the received marker without following a link someone put in its place.</summary>
    private static async Task WriteMarkerAsync(string path, string manifestKey, CancellationToken cancellationToken)
    {
        if (new FileInfo(path).LinkTarget is not null)
        {
            File.Delete(path);
        }

        var marker = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        await using (marker.ConfigureAwait(false))
        {
            await marker.WriteAsync(System.Text.Encoding.UTF8.GetBytes(manifestKey + Environment.NewLine), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ShareManifest?> ReadManifestAsync(AvailableShare share, CancellationToken cancellationToken)
    {
        var description = $"the manifest of share {share.ShareId} (object '{share.ManifestKey}')";
        using var json = new MemoryStream();
        var body = await Store.OpenReadAsync(share.ManifestKey, cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var capped = new VerifyingWriteStream(json, MaxManifestBytes, description);
            await _decryptors.ForKey(share.ManifestKey)
                .DecryptAsync(body, capped, new DecryptionMessage(description, new EncryptionContext(share.ShareId, ShareClient.ManifestContextPath)), cancellationToken)
                .ConfigureAwait(false);
        }

        try
        {
            return JsonSerializer.Deserialize(json.GetBuffer().AsSpan(0, (int)json.Length), ManifestJsonContext.Default.ShareManifest);
        }
        catch (JsonException ex)
        {
            throw new IntegrityException($"{description} decrypts but is not a valid manifest ({ex.Message}). Ask the sender to share again.", ex);
        }
    }

    private async Task<ReceivedFile> ReceiveFileAsync(string shareId, string shareDirectory, PlannedFile file, IDecryptor decryptor, ConcurrentBag<string> created, CancellationToken cancellationToken)
    {
        var entry = file.Entry;
        var description = $"file '{entry.Path}' of share {shareId} (object '{entry.Key}')";
        ReceivedFile Outcome(ReceiveStatus status, string? error = null) => new(entry.Path, status, entry.Size, entry.Sha256.ToLowerInvariant(), error);

        if (Directory.Exists(file.Target))
        {
            return Outcome(ReceiveStatus.Conflict, $"{description}: a folder is already at '{file.Target}'; it is never overwritten. Move it away and receive again.");
        }

        if (File.Exists(file.Target))
        {
            var (size, sha256) = await HashFileAsync(file.Target, cancellationToken).ConfigureAwait(false);
            return size == entry.Size && string.Equals(sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase)
                ? Outcome(ReceiveStatus.AlreadyReceived)
                : Outcome(ReceiveStatus.Conflict, $"{description}: a different file is already at '{file.Target}'; it is never overwritten. Move it away and receive again.");
        }

        string directory;
        try
        {
            directory = EnsureFolder(shareDirectory, Path.GetDirectoryName(file.Target)!, created);
        }
        catch (IOException ex)
        {
            return Outcome(ReceiveStatus.Conflict, $"{description}: {ex.Message}");
        }

        var fileName = Path.GetFileName(file.Target);
        RemoveStalePartials(directory, fileName);
        try
        {
            var temporary = TemporaryFile.Beside(file.Target, ownerOnly: true);
            await using (temporary.ConfigureAwait(false))
            {
                using (var verifying = new VerifyingWriteStream(temporary.Stream, entry.Size, description))
                {
                    var body = await Store.OpenReadAsync(entry.Key, cancellationToken).ConfigureAwait(false);
                    await using (body.ConfigureAwait(false))
                    {
                        await decryptor.DecryptAsync(body, verifying, new DecryptionMessage(description, new EncryptionContext(shareId, entry.Path)), cancellationToken).ConfigureAwait(false);
                    }

                    verifying.Verify(entry.Sha256);
                }

                try
                {
                    temporary.MoveIntoPlace();
                }
                catch (IOException) when (File.Exists(file.Target))
                {
                    return Outcome(ReceiveStatus.Conflict, $"{description}: a file appeared at '{file.Target}' while receiving; it is never overwritten. Move it away and receive again.");
                }
            }

            return Outcome(ReceiveStatus.Received);
        }
        catch (IntegrityException ex)
        {
            return Outcome(ReceiveStatus.IntegrityFailed, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or Amazon.Runtime.AmazonServiceException)
        {
            return Outcome(ReceiveStatus.Failed, ex is ObjectNotFoundException ? $"{description}: {ex.Message} The share is damaged; ask the sender to share again." : $"{description}: {ex.Message}");
        }
    }

    /// <summary>Creates the folders down to <paramref name="directory"/>, recording the ones it made; refuses to pass through a link.</summary>
    private static string EnsureFolder(string shareDirectory, string directory, ConcurrentBag<string> created)
    {
        var root = Path.GetDirectoryName(shareDirectory)!;
        var missing = new Stack<string>();
        for (var current = directory; current.Length > root.Length; current = Path.GetDirectoryName(current)!)
        {
            var info = new DirectoryInfo(current);
            if (info.Exists && info.LinkTarget is not null)
            {
                throw new IOException($"'{current}' is a link; files are never written through links. Remove it and receive again.");
            }

            if (!info.Exists)
            {
                missing.Push(current);
            }
        }

        Directory.CreateDirectory(directory);
        foreach (var folder in missing)
        {
            created.Add(folder);
        }

        return directory;
    }

    private static void RemoveEmptyFolders(IEnumerable<string> created)
    {
        // Deepest first, so a folder emptied by removing its children goes too.
        foreach (var folder in created.Distinct(StringComparer.Ordinal).OrderByDescending(f => f.Length))
        {
            try
            {
                if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }
            catch (IOException)
            {
                // Another receive may be writing into it.
            }
        }
    }

    private static async Task DecryptToFileAsync(Stream ciphertext, IDecryptor decryptor, string description, string outputPath, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(outputPath);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temporary = TemporaryFile.Beside(target, ownerOnly: true);
        await using (temporary.ConfigureAwait(false))
        {
            await decryptor.DecryptAsync(ciphertext, temporary.Stream, new DecryptionMessage(description, null), cancellationToken).ConfigureAwait(false);
            temporary.Close();
            if (File.Exists(target))
            {
                if ((await HashFileAsync(target, cancellationToken).ConfigureAwait(false)) != (await HashFileAsync(temporary.Path, cancellationToken).ConfigureAwait(false)))
                {
                    throw new IOException($"A different file is already at '{target}'; it is never overwritten. Choose another output path or move it away.");
                }

                return;
            }

            temporary.MoveIntoPlace();
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "S3S2 receive client '{ClientName}': share {ShareId} is incomplete (folder without manifest); ignored")]
    private static partial void LogIncomplete(ILogger logger, string clientName, string shareId);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "S3S2 receive client '{ClientName}': share {ShareId}: {FileCount} file(s) {Status}")]
    private static partial void LogShareReceived(ILogger logger, string clientName, string shareId, int fileCount, ReceiveStatus status);

    [LoggerMessage(EventId = 42, Level = LogLevel.Error, Message = "S3S2 receive client '{ClientName}': share {ShareId} {Status}: {Reason}")]
    private static partial void LogShareFailed(ILogger logger, string clientName, string shareId, ReceiveStatus status, string reason);

    [LoggerMessage(EventId = 44, Level = LogLevel.Warning, Message = "S3S2 receive client '{ClientName}': share {ShareId} was received, but deleting its objects failed: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string clientName, string shareId, string reason);

    [LoggerMessage(EventId = 43, Level = LogLevel.Error, Message = "S3S2 receive client '{ClientName}': share {ShareId} has a second manifest '{Key}'; the share is refused until one is removed")]
    private static partial void LogDuplicateManifest(ILogger logger, string clientName, string shareId, string key);
}
