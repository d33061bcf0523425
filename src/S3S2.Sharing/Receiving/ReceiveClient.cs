using System.Text.Json;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Diagnostics;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.IO;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Sharing;
using S3S2.Sharing.Storage;
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
    internal const string SkippedMarkerSuffix = ".skipped";
    private const int BufferSize = 64 * 1024;
    private const int MaxManifestBytes = 64 * 1024 * 1024;

    private readonly string _name;
    private readonly ReceiveClientOptions _options;
    private readonly string _prefix;
    private readonly IShareStore? _store;
    private readonly DecryptorSet _decryptors;
    private readonly ILogger _logger;
    private readonly Signing.ManifestSignatureVerifier _signatures;

    public ReceiveClient(string name, ReceiveClientOptions options, string prefix, IShareStore? store, DecryptorSet decryptors, ILogger logger)
    {
        _name = name;
        _options = options;
        _prefix = prefix;
        _store = store;
        _decryptors = decryptors;
        _logger = logger;
        _signatures = Signing.ManifestSignatureVerifier.Create(name, options);
    }

    private IShareStore Store => _store ?? throw new InvalidOperationException(
        $"S3S2 receive client '{_name}': no store it can read shares from is configured (a store added with AddUploader(...) is write-only). Call AddS3Store(...) or AddLocalFolderStore(folder) on the same builder.");

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

    public Task<ReceivedShare> ReceiveShareAsync(string shareId, string outputDirectory, CancellationToken cancellationToken = default) =>
        ReceiveShareAsync(shareId, outputDirectory, null, cancellationToken);

    public async Task<ReceivedShare> ReceiveShareAsync(string shareId, string outputDirectory, IProgress<ReceiveProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shareId);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        var share = await FindShareAsync(shareId, cancellationToken).ConfigureAwait(false);
        return await ReceiveAsync(share, Path.GetFullPath(outputDirectory), progress, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> ReadSignerAsync(string shareId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shareId);
        var share = await FindShareAsync(shareId, cancellationToken).ConfigureAwait(false);
        return (await ReadManifestAsync(share, cancellationToken).ConfigureAwait(false)).Signer;
    }

    public Task<ReceivedShare> ReceiveShareAsync(string shareId, Func<VerifiedFile, CancellationToken, Task> onFile, CancellationToken cancellationToken = default) =>
        ReceiveShareAsync(shareId, onFile, null, cancellationToken);

    public async Task<ReceivedShare> ReceiveShareAsync(string shareId, Func<VerifiedFile, CancellationToken, Task> onFile, IProgress<ReceiveProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shareId);
        ArgumentNullException.ThrowIfNull(onFile);
        var share = await FindShareAsync(shareId, cancellationToken).ConfigureAwait(false);
        var temporaryRoot = Path.GetFullPath(_options.TemporaryDirectory ?? Path.GetTempPath());
        var spool = CallbackFileSink.SpoolDirectoryFor(temporaryRoot, share.ShareId);
        try
        {
            return await ShareTelemetry.ReceiveAsync(_name, share.ShareId, () => ReceiveIntoAsync(
                share,
                spool,
                manifest => new CallbackFileSink(spool, manifest, onFile),
                temporaryRoot,
                _options.MaxConcurrentFiles,
                string.Empty,
                progress,
                cancellationToken)).ConfigureAwait(false);
        }
        catch (ReceiveCallbackFailedException ex)
        {
            // The caller's own error, as the caller threw it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException!);
            throw;
        }
    }

    /// <summary>The complete share <paramref name="shareId"/> under the prefix, or an error saying why there is none.</summary>
    private async Task<AvailableShare> FindShareAsync(string shareId, CancellationToken cancellationToken)
    {
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

        return share;
    }

    public Task<IReadOnlyList<ReceivedShare>> ReceiveAllAsync(string outputDirectory, CancellationToken cancellationToken = default) =>
        ReceiveAllAsync(outputDirectory, null, cancellationToken);

    public async Task<IReadOnlyList<ReceivedShare>> ReceiveAllAsync(string outputDirectory, IProgress<ReceiveProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        var root = Path.GetFullPath(outputDirectory);
        var listing = await ListSharesAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<ReceivedShare>();
        var keyErrors = new List<(int Index, EncryptionKeyException Error)>();
        foreach (var share in listing.Complete)
        {
            var directory = Path.Combine(root, share.ShareId);
            if (File.Exists(FolderFileSink.MarkerOf(root, share.ShareId)))
            {
                results.Add(new ReceivedShare(share.ShareId, ReceiveStatus.AlreadyReceived, directory, [], null));
                continue;
            }

            if (File.Exists(FolderFileSink.MarkerOf(root, share.ShareId, SkippedMarkerSuffix)))
            {
                results.Add(new ReceivedShare(share.ShareId, ReceiveStatus.Skipped, directory, [], $"Share {share.ShareId} was skipped earlier as encrypted to none of the configured keys; delete '{FolderFileSink.MarkerOf(root, share.ShareId, SkippedMarkerSuffix)}' to try it again."));
                continue;
            }

            try
            {
                results.Add(await ReceiveAsync(share, root, progress, cancellationToken).ConfigureAwait(false));
            }
            catch (EncryptionKeyException ex)
            {
                keyErrors.Add((results.Count, ex));
                results.Add(new ReceivedShare(share.ShareId, ReceiveStatus.Failed, directory, [], ex.Message));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One share that cannot be read (a store error, a bug) must not keep every later share from being received.
                var status = ReceiveErrors.StatusOf(ReceiveErrors.Classify(ex));
                LogShareFailed(_logger, _name, share.ShareId, status, ex.Message);
                results.Add(new ReceivedShare(share.ShareId, status, directory, [], ex.Message));
            }
        }

        if (keyErrors.Count == 0)
        {
            return results;
        }

        // A share for none of the keys is not for this receiver (or was planted) only when the keys demonstrably work:
        // another share's manifest was decrypted in this run (an object that is not a message at all, or one that fails
        // before its key is used, proves nothing: planted, it would otherwise get real shares skipped). That decision is
        // recorded (DIR/<shareId>.skipped), so later runs skip it too instead of failing for ever. A key error from KMS or
        // the network (it has a cause) is a failure, never a skip.
        var keysWork = results.Exists(r => r.ManifestDecrypted);
        if (!keysWork && !results.Exists(r => r.Status is ReceiveStatus.AlreadyReceived or ReceiveStatus.Skipped))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(keyErrors[0].Error);
        }

        foreach (var (index, error) in keyErrors.Where(e => keysWork && e.Error.InnerException is null))
        {
            LogShareNotForUs(_logger, _name, results[index].ShareId, error.Message);
            results[index] = results[index] with { Status = ReceiveStatus.Skipped };
            try
            {
                await new FolderFileSink(root, results[index].ShareId).MarkAsync(SkippedMarkerSuffix, error.Message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Unrecorded, the decision is simply made again next run.
                LogShareFailed(_logger, _name, results[index].ShareId, ReceiveStatus.Skipped, ex.Message);
            }
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
        const string description = "message stream";
        await DecryptBoundedAsync(decryptor, message, new BoundedWriteStream(plaintext, _options, () => message.BytesRead, description, callersOutput: true), description, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Decrypts a message without a manifest into <paramref name="bounded"/>. When the output limit refused the
    /// plaintext, that refusal is what is thrown, whatever the decoder made of it (a wrapped or swallowed write error).
    /// </summary>
    private static async Task DecryptBoundedAsync(IDecryptor decryptor, Stream message, BoundedWriteStream bounded, string description, CancellationToken cancellationToken)
    {
        try
        {
            await decryptor.DecryptAsync(message, bounded, new DecryptionMessage(description, null), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (bounded.Failure is { } refusal && !cancellationToken.IsCancellationRequested)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(refusal);
        }

        if (bounded.Failure is { } swallowed)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(swallowed);
        }
    }

    /// <summary>
    /// Receives the one share whose manifest is at <paramref name="manifestKey"/> (as an S3 event notification names it)
    /// into <paramref name="outputDirectory"/>, through the same per-share pipeline as <see cref="ReceiveShareAsync(string, string, CancellationToken)"/>.
    /// The key must be a manifest's key (<c>&lt;share prefix&gt;/&lt;shareId&gt;.manifest.json&lt;suffix&gt;</c>) at or
    /// under the client's prefix; anything else is refused with <see cref="ArgumentException"/> and never read. Files
    /// already in place are verified and kept, so a second delivery of the same share is harmless. It never deletes the
    /// share's objects, whatever <see cref="ReceiveClientOptions.DeleteAfterReceive"/> says: the queue worker deletes them
    /// by its own option only once its handlers succeeded, since a redelivery must still find the manifest.
    /// </summary>
    /// <param name="manifestKey">The manifest's object key.</param>
    /// <param name="outputDirectory">The folder under which <c>&lt;shareId&gt;/</c> is written.</param>
    /// <param name="manifestRead">Called with the manifest once it decrypted; it passed every check only when the share succeeds.</param>
    /// <param name="progress">Receives the share's progress as <see cref="ReceiveShareAsync(string, string, IProgress{ReceiveProgress}?, CancellationToken)"/> reports it, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the receive.</param>
    internal async Task<ReceivedShare> ReceiveManifestAsync(string manifestKey, string outputDirectory, Action<ShareManifest>? manifestRead, IProgress<ReceiveProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        var shareId = ShareIdOfManifest(manifestKey)
            ?? throw new ArgumentException($"Object key '{manifestKey}' is not the manifest of a share at or under prefix '{_prefix}' in {Store.Description} (expected '[<prefix>/...]<shareId>{ManifestName}{OpenPgpEncryptor.ObjectKeySuffix}' or '{KmsEnvelopeEncryptor.ObjectKeySuffix}'); it is not read.", nameof(manifestKey));
        var root = Path.GetFullPath(outputDirectory);
        var shareDirectory = Path.Combine(root, shareId);
        return await ShareTelemetry.ReceiveAsync(_name, shareId, () => ReceiveIntoAsync(
            new AvailableShare(shareId, manifestKey),
            shareDirectory,
            manifest =>
            {
                manifestRead?.Invoke(manifest);
                return new FolderFileSink(root, shareId);
            },
            root,
            int.MaxValue,
            shareDirectory,
            progress,
            cancellationToken,
            deleteAfterReceive: false)).ConfigureAwait(false);
    }

    /// <summary>
    /// The share id a manifest key names when it is a safe key at or under the client's prefix ending in
    /// <c>&lt;shareId&gt;.manifest.json&lt;suffix&gt;</c> with a suffix senders write; otherwise <see langword="null"/>.
    /// </summary>
    internal string? ShareIdOfManifest(string key)
    {
        if (ObjectKeys.FindProblem(key) is not null || (_prefix.Length > 0 && !key.StartsWith(_prefix + "/", StringComparison.Ordinal)))
        {
            return null;
        }

        var name = key[(key.LastIndexOf('/') + 1)..];
        var end = name.IndexOf(ManifestName, StringComparison.Ordinal);
        return end > 0 && ShareId.IsValid(name[..end]) && _decryptors.IsWrittenSuffix(name[(end + ManifestName.Length)..]) ? name[..end] : null;
    }

    /// <summary>Deletes a received share's objects: the files first and the manifest last, so an interrupted delete leaves a share that receives again as already received.</summary>
    internal async Task DeleteShareObjectsAsync(ShareManifest manifest, string manifestKey, CancellationToken cancellationToken)
    {
        foreach (var file in manifest.Files)
        {
            await Store.DeleteAsync(file.Key, cancellationToken).ConfigureAwait(false);
        }

        await Store.DeleteAsync(manifestKey, cancellationToken).ConfigureAwait(false);
    }

    private static ReceiveStatus Worst(IEnumerable<ReceiveStatus> statuses)
    {
        var all = statuses.ToList();
        return all.Contains(ReceiveStatus.IntegrityFailed) ? ReceiveStatus.IntegrityFailed
            : all.Contains(ReceiveStatus.Refused) ? ReceiveStatus.Refused
            : all.Contains(ReceiveStatus.Failed) ? ReceiveStatus.Failed
            : all.Contains(ReceiveStatus.Conflict) ? ReceiveStatus.Conflict
            : all.Count > 0 && all.TrueForAll(s => s == ReceiveStatus.AlreadyReceived) ? ReceiveStatus.AlreadyReceived
            : ReceiveStatus.Received;
    }

    private string NameUnderPrefix(string key) => _prefix.Length == 0 ? key : key[(_prefix.Length + 1)..];

    /// <summary>The key every file of a share lies under: its manifest's key up to <c>.manifest.json</c> (<c>&lt;prefix&gt;/&lt;shareId&gt;</c>).</summary>
    /// <summary>The folder a share was written to: its manifest key up to the last '/' (empty at the bucket root).</summary>
    private static string PrefixOf(AvailableShare share) => share.ManifestKey.LastIndexOf('/') is var slash and > 0 ? share.ManifestKey[..slash] : string.Empty;

    private static string KeyRootOf(AvailableShare share) => share.ManifestKey[..share.ManifestKey.LastIndexOf(ManifestName, StringComparison.Ordinal)];

    /// <summary>One share into folders: <c>&lt;root&gt;/&lt;shareId&gt;/</c>, with the free space for all of it checked first.</summary>
    private Task<ReceivedShare> ReceiveAsync(AvailableShare share, string root, IProgress<ReceiveProgress>? progress, CancellationToken cancellationToken)
    {
        var shareDirectory = Path.Combine(root, share.ShareId);
        return ShareTelemetry.ReceiveAsync(_name, share.ShareId, () => ReceiveIntoAsync(share, shareDirectory, _ => new FolderFileSink(root, share.ShareId), root, int.MaxValue, shareDirectory, progress, cancellationToken));
    }

    /// <summary>
    /// One share: read the manifest, check it (limits, paths, keys), check the disk, then per file fetch, decrypt, verify
    /// and hand over to the sink made for that manifest. Errors are classified here once; only a key error, the caller's
    /// cancellation and a callback's own exception leave this method as exceptions.
    /// </summary>
    /// <param name="share">The share.</param>
    /// <param name="shareDirectory">The folder the manifest's paths are checked against (and the folder sink writes under).</param>
    /// <param name="sinkFor">Makes the destination once the manifest is read and checked.</param>
    /// <param name="spaceRoot">The folder whose drive must hold what the sink writes.</param>
    /// <param name="filesHeldAtOnce">How many files the sink holds on that drive at once (all of them for a folder).</param>
    /// <param name="resultDirectory">The folder reported in the result (empty when files go to a callback).</param>
    /// <param name="progress">Told the files' progress once the manifest is checked, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the receive.</param>
    /// <param name="deleteAfterReceive">
    /// Whether <see cref="ReceiveClientOptions.DeleteAfterReceive"/> applies here; the queue worker passes
    /// <see langword="false"/> and deletes by its own option, after its handlers succeeded.
    /// </param>
    private async Task<ReceivedShare> ReceiveIntoAsync(
        AvailableShare share,
        string shareDirectory,
        Func<ShareManifest, IReceivedFileSink> sinkFor,
        string spaceRoot,
        int filesHeldAtOnce,
        string resultDirectory,
        IProgress<ReceiveProgress>? progress,
        CancellationToken cancellationToken,
        bool deleteAfterReceive = true)
    {
        IReceivedFileSink? created = null;
        IReadOnlyList<PlannedFile> plan;
        IDecryptor decryptor;
        string? signer = null;
        var decrypted = false;
        try
        {
            (var manifest, signer) = await ReadManifestAsync(share, cancellationToken).ConfigureAwait(false);
            decrypted = true;
            var description = $"The manifest of share {share.ShareId}";
            plan = ManifestCheck.Plan(manifest, share.ShareId, KeyRootOf(share), shareDirectory, description, _options);
            decryptor = _decryptors.ForMode(manifest!.Encryption.Mode, share.ShareId);
            created = sinkFor(manifest);
            await CheckFreeSpaceAsync(spaceRoot, share.ShareId, plan, created, filesHeldAtOnce, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (EncryptionKeyException or OperationCanceledException))
        {
            created?.Finish();
            var status = ReceiveErrors.StatusOf(ReceiveErrors.Classify(ex));
            LogShareFailed(_logger, _name, share.ShareId, status, ex.Message);
            return new ReceivedShare(share.ShareId, status, resultDirectory, [], ex.Message) { SignerFingerprint = signer, ManifestDecrypted = decrypted };
        }
        catch
        {
            created?.Finish();
            throw;
        }

        var sink = created;
        var files = new ReceivedFile[plan.Count];
        using var reporter = progress is null ? null : new ReceiveProgressReporter(share.ShareId, progress, TimeProvider.System);
        reporter?.Declare(plan.Count, plan.Sum(f => f.Entry.Size));
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, plan.Count),
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentFiles, CancellationToken = cancellationToken },
                async (index, token) => files[index] = await ShareTelemetry.ReceiveFileAsync(_name, share.ShareId, plan[index].Entry.Key, () => ReceiveFileAsync(share.ShareId, plan[index], decryptor, sink, reporter, token)).ConfigureAwait(false))
                .ConfigureAwait(false);
        }
        finally
        {
            sink.Finish();
        }

        var outcome = Worst(files.Select(f => f.Status));
        if (outcome is not (ReceiveStatus.Received or ReceiveStatus.AlreadyReceived))
        {
            LogShareFailed(_logger, _name, share.ShareId, outcome, string.Join("; ", files.Where(f => f.Error is not null).Select(f => f.Error)));
            return new ReceivedShare(share.ShareId, outcome, resultDirectory, files, null) { SignerFingerprint = signer, ManifestDecrypted = true };
        }

        if (deleteAfterReceive && _options.DeleteAfterReceive)
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

        try
        {
            await sink.MarkReceivedAsync(share.ManifestKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogShareFailed(_logger, _name, share.ShareId, ReceiveStatus.Failed, ex.Message);
            return new ReceivedShare(share.ShareId, ReceiveStatus.Failed, resultDirectory, files, ex.Message) { SignerFingerprint = signer, ManifestDecrypted = true };
        }

        LogShareReceived(_logger, _name, share.ShareId, files.Length, outcome);
        return new ReceivedShare(share.ShareId, outcome, resultDirectory, files, null) { SignerFingerprint = signer, ManifestDecrypted = true };
    }

    /// <summary>
    /// Refuses a share whose missing files would not fit on the drive of <paramref name="root"/>, before anything is
    /// written; a sink that holds only the files in flight needs room for the largest <paramref name="filesHeldAtOnce"/>.
    /// </summary>
    private static async Task CheckFreeSpaceAsync(string root, string shareId, IReadOnlyList<PlannedFile> plan, IReceivedFileSink sink, int filesHeldAtOnce, CancellationToken cancellationToken)
    {
        var missing = new List<long>();
        foreach (var file in plan)
        {
            if (await sink.FindExistingAsync(file, string.Empty, cancellationToken).ConfigureAwait(false) is null)
            {
                missing.Add(file.Entry.Size);
            }
        }

        var needed = missing.OrderDescending().Take(filesHeldAtOnce).Sum();
        var existing = root;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        var free = new DriveInfo(existing).AvailableFreeSpace;
        if (needed > free)
        {
            throw new ReceiveLimitException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"Share {shareId} needs {needed} bytes but only {free} are free on the drive of '{root}'; nothing was written. Free space or receive into another folder (--out)."));
        }
    }

    /// <summary>
    /// Downloads and decrypts the manifest, takes it out of a signed envelope when it is in one, and decides on its
    /// signer before anything else of the share is looked at. Returns the manifest and the verified signer's fingerprint.
    /// </summary>
    private async Task<(ShareManifest? Manifest, string? Signer)> ReadManifestAsync(AvailableShare share, CancellationToken cancellationToken)
    {
        var description = $"the manifest of share {share.ShareId} (object '{share.ManifestKey}')";
        using var json = new MemoryStream();
        var signatures = new List<byte[]>();
        var decryptor = _decryptors.ForKey(share.ManifestKey);
        for (var attempt = 1; ; attempt++)
        {
            json.SetLength(0);
            signatures.Clear();
            using var capped = new VerifyingWriteStream(json, MaxManifestBytes, description);
            var error = await TryDownloadAsync(share.ManifestKey, description, decryptor, capped, new EncryptionContext(share.ShareId, ShareClient.ManifestContextPath), signatures, cancellationToken).ConfigureAwait(false);
            if (error is null)
            {
                break;
            }

            if (!await ShouldRetryAsync(error, description, attempt, cancellationToken).ConfigureAwait(false))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error.Value.Error);
            }
        }

        try
        {
            ReadOnlyMemory<byte> signed = json.GetBuffer().AsMemory(0, (int)json.Length);
            if (JsonSerializer.Deserialize(signed.Span, ManifestJsonContext.Default.SignedManifestEnvelope) is { SignedManifest: { } inner } envelope)
            {
                if (signatures.Count > 0)
                {
                    throw new IntegrityException($"{description} is signed twice (inside the message and in a signed envelope). Ask the sender to share again.");
                }

                signed = inner;
                if (envelope.Signature is { } detached)
                {
                    signatures.Add(detached);
                }
            }

            CheckJsonValueCount(signed.Span, description);
            var manifest = JsonSerializer.Deserialize(signed.Span, ManifestJsonContext.Default.ShareManifest);
            return (manifest, manifest is null ? null : _signatures.Verify(share.ShareId, PrefixOf(share), manifest, signed.Span, signatures));
        }
        catch (JsonException ex)
        {
            throw new IntegrityException($"{description} decrypts but is not a valid manifest ({ex.Message}). Ask the sender to share again.", ex);
        }
    }

    /// <summary>
    /// Counts the manifest's JSON values before they become objects: 64 MiB of <c>{},</c> would otherwise become some
    /// 20 million file entries (gigabytes) before <see cref="ReceiveClientOptions.MaxFilesPerShare"/> is checked. A file
    /// entry is about a dozen values; twice that is allowed per file, and 64 Ki more for the rest of the manifest.
    /// </summary>
    private void CheckJsonValueCount(ReadOnlySpan<byte> json, string description)
    {
        var limit = ((long)_options.MaxFilesPerShare * 24) + (64 * 1024);
        var reader = new Utf8JsonReader(json);
        var count = 0L;
        while (reader.Read())
        {
            if (++count > limit)
            {
                throw new ReceiveLimitException(string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"{description} holds more than {limit} JSON values, more than a manifest of at most MaxFilesPerShare {_options.MaxFilesPerShare} files has (CLI: --max-files); it is refused before it is read."));
            }
        }
    }

    /// <summary>One file, counted in <paramref name="progress"/> when there is one: done when in place or already present.</summary>
    private async Task<ReceivedFile> ReceiveFileAsync(string shareId, PlannedFile file, IDecryptor decryptor, IReceivedFileSink sink, ReceiveProgressReporter? progress, CancellationToken cancellationToken)
    {
        if (progress is null)
        {
            return await ReceiveFileIntoSinkAsync(shareId, file, decryptor, sink, part: null, cancellationToken).ConfigureAwait(false);
        }

        var part = progress.Start(file.Entry.Path, file.Entry.Size);
        ReceivedFile? outcome = null;
        try
        {
            outcome = await ReceiveFileIntoSinkAsync(shareId, file, decryptor, sink, part, cancellationToken).ConfigureAwait(false);
            return outcome;
        }
        finally
        {
            progress.End(part, outcome?.Status is ReceiveStatus.Received or ReceiveStatus.AlreadyReceived);
        }
    }

    private async Task<ReceivedFile> ReceiveFileIntoSinkAsync(string shareId, PlannedFile file, IDecryptor decryptor, IReceivedFileSink sink, Diagnostics.ProgressPart? part, CancellationToken cancellationToken)
    {
        var entry = file.Entry;
        var description = $"file '{entry.Path}' of share {shareId} (object '{entry.Key}')";
        ReceivedFile Outcome(ReceiveStatus status, string? error = null) => new(entry.Path, status, entry.Size, entry.Sha256.ToLowerInvariant(), error);

        if (await sink.FindExistingAsync(file, description, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            if (part is not null && existing.Status == ReceiveStatus.AlreadyReceived)
            {
                part.BytesRead = entry.Size;
            }

            return Outcome(existing.Status, existing.Error);
        }

        for (var attempt = 1; ; attempt++)
        {
            IReceivedFileWriter writer;
            try
            {
                writer = sink.Begin(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Outcome(ReceiveStatus.Conflict, $"{description}: {ex.Message}");
            }

            await using (writer.ConfigureAwait(false))
            {
                (ReceiveErrorKind Kind, Exception Error)? error;
                using (var verifying = new VerifyingWriteStream(writer.Stream, entry.Size, description) { Written = part is null ? null : written => part.BytesRead = written })
                {
                    if (part is not null)
                    {
                        // A download that starts over counts from nothing again.
                        part.BytesRead = 0;
                    }

                    error = await TryDownloadAsync(entry.Key, description, decryptor, verifying, new EncryptionContext(shareId, entry.Path), signatures: null, cancellationToken).ConfigureAwait(false);
                    if (error is null)
                    {
                        try
                        {
                            verifying.Verify(entry.Sha256);
                        }
                        catch (IntegrityException ex)
                        {
                            error = (ReceiveErrorKind.Integrity, ex);
                        }
                    }
                }

                if (error is null)
                {
                    try
                    {
                        await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return Outcome(ReceiveStatus.Received);
                    }
                    catch (IOException) when (File.Exists(file.Target) || Directory.Exists(file.Target))
                    {
                        return Outcome(ReceiveStatus.Conflict, $"{description}: a file appeared at '{file.Target}' while receiving; it is never overwritten. Move it away and receive again.");
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        return Outcome(ReceiveStatus.Failed, $"{description}: {ex.Message}");
                    }
                }

                if (!await ShouldRetryAsync(error, description, attempt, cancellationToken).ConfigureAwait(false))
                {
                    var (kind, failure) = error.Value;
                    var message = failure is ObjectNotFoundException
                        ? $"{description}: {failure.Message} The manifest lists it, so the share was tampered with or damaged; ask the sender to share again."
                        : failure.Message.Contains(entry.Path, StringComparison.Ordinal) ? failure.Message : $"{description}: {failure.Message}";
                    return Outcome(ReceiveErrors.StatusOf(kind), message);
                }
            }
        }
    }

    /// <summary>
    /// The most ciphertext a message of <paramref name="plaintextBytes"/> can take, with room to spare: ASCII armor
    /// (base64 in lines, 1.38 times the packets at most), incompressible data through zlib, the smallest KMS frames
    /// (1 KiB with 32 bytes each), and up to 2 MiB of headers (64 session keys, signatures, an ESDK header of 1 MiB).
    /// </summary>
    internal static long MaxCiphertextBytes(long plaintextBytes)
    {
        const long Headers = 2 * 1024 * 1024;
        return plaintextBytes > (long.MaxValue - Headers) / 3 * 2 ? long.MaxValue : plaintextBytes + (plaintextBytes / 2) + Headers;
    }

    /// <summary>
    /// Downloads <paramref name="key"/> once and decrypts it into <paramref name="plaintext"/>. Returns the error that
    /// decides the attempt, or <see langword="null"/>: a fault of the connection wins over what the decryptor made of the
    /// cut message (so it is retried), a limit or size overrun wins over the rest, and an integrity error the decryptor
    /// found wins over an error the store raises afterwards (such as its own checksum check on closing the body).
    /// </summary>
    private async Task<(ReceiveErrorKind Kind, Exception Error)?> TryDownloadAsync(
        string key, string description, IDecryptor decryptor, VerifyingWriteStream plaintext, EncryptionContext context, List<byte[]>? signatures, CancellationToken cancellationToken)
    {
        DownloadStream? body = null;
        Exception? decryptError = null;
        Exception? closeError = null;
        try
        {
            body = new DownloadStream(await OpenAsync(key, description, cancellationToken).ConfigureAwait(false), _options.ReadTimeout, description)
            {
                MaxBytes = MaxCiphertextBytes(plaintext.ExpectedSize),
            };
            plaintext.LimitExpansion(_options.MaxExpansionRatio, () => body.BytesRead);
            await decryptor.DecryptAsync(body, plaintext, new DecryptionMessage(description, context) { Signatures = signatures }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            decryptError = ex;
        }
        finally
        {
            if (body is not null)
            {
                try
                {
                    await body.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    closeError = ex;
                }
            }
        }

        if (body?.Overrun is { } tooLong)
        {
            return (ReceiveErrorKind.Integrity, tooLong);
        }

        if (body?.Fault is { } fault && ReceiveErrors.ClassifyDownload(fault) is ReceiveErrorKind.Transient)
        {
            return (ReceiveErrorKind.Transient, fault);
        }

        if (plaintext.Failure is { } overrun)
        {
            return (ReceiveErrors.Classify(overrun), overrun);
        }

        if (body?.Fault is { } bodyFault)
        {
            return (ReceiveErrors.ClassifyDownload(bodyFault), bodyFault);
        }

        if (decryptError is not null)
        {
            return (body is null ? ReceiveErrors.ClassifyDownload(decryptError) : ReceiveErrors.Classify(decryptError), decryptError);
        }

        // The message decrypted and verified; only the store's own checksum failing on close still counts (the stored bytes changed).
        return closeError is not null && ReceiveErrors.ClassifyDownload(closeError) is ReceiveErrorKind.Integrity ? (ReceiveErrorKind.Integrity, closeError) : null;
    }

    /// <summary>Opens an object; the request, too, must answer within the read timeout.</summary>
    private async Task<Stream> OpenAsync(string key, string description, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReadTimeout);
        try
        {
            return await Store.OpenReadAsync(key, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw DownloadStream.Stalled(description, _options.ReadTimeout);
        }
    }

    /// <summary>Waits before another attempt when <paramref name="error"/> is transient and attempts remain.</summary>
    private async Task<bool> ShouldRetryAsync((ReceiveErrorKind Kind, Exception Error)? error, string description, int attempt, CancellationToken cancellationToken)
    {
        if (error is not { Kind: ReceiveErrorKind.Transient } || attempt >= _options.MaxAttempts)
        {
            return false;
        }

        var delay = (int)Math.Min(200 * Math.Pow(2, attempt - 1), 10_000) + Random.Shared.Next(100);
        LogRetry(_logger, _name, description, attempt, _options.MaxAttempts, error.Value.Error.Message, delay);
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task DecryptToFileAsync(PrefixedStream ciphertext, IDecryptor decryptor, string description, string outputPath, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(outputPath);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temporary = TemporaryFile.Beside(target, ownerOnly: true);
        await using (temporary.ConfigureAwait(false))
        {
            var bounded = new BoundedWriteStream(temporary.Stream, _options, () => ciphertext.BytesRead, description, callersOutput: false);
            await DecryptBoundedAsync(decryptor, ciphertext, bounded, description, cancellationToken).ConfigureAwait(false);

            // One message to one file, as gpg and cp write it: the file appears only after it verified, but nothing
            // waits for the disk (an fsync of a large file costs more than its decryption). Received shares differ:
            // their '.received' marker claims every file is in place, so their files are flushed to disk first.
            temporary.Close(flushToDisk: false);
            if (File.Exists(target))
            {
                if ((await FolderFileSink.HashFileAsync(target, cancellationToken).ConfigureAwait(false)) != (await FolderFileSink.HashFileAsync(temporary.Path, cancellationToken).ConfigureAwait(false)))
                {
                    throw new IOException($"A different file is already at '{target}'; it is never overwritten. Choose another output path or move it away.");
                }

                return;
            }

            temporary.MoveIntoPlace(flushToDisk: false);
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

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "S3S2 receive client '{ClientName}': share {ShareId} is encrypted to none of the configured keys while other shares are readable; skipped as not for this receiver: {Reason}")]
    private static partial void LogShareNotForUs(ILogger logger, string clientName, string shareId, string reason);

    [LoggerMessage(EventId = 46, Level = LogLevel.Warning, Message = "S3S2 receive client '{ClientName}': {Description}: attempt {Attempt} of {MaxAttempts} failed ({Reason}); trying again in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, string clientName, string description, int attempt, int maxAttempts, string reason, int delayMs);

    [LoggerMessage(EventId = 43, Level = LogLevel.Error, Message = "S3S2 receive client '{ClientName}': share {ShareId} has a second manifest '{Key}'; the share is refused until one is removed")]
    private static partial void LogDuplicateManifest(ILogger logger, string clientName, string shareId, string key);
}
