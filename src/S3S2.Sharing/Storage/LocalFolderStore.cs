using S3S2.Sharing.IO;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Storage;

/// <summary>
/// The embedded default store: objects are files at <c>&lt;folder&gt;/&lt;object key&gt;</c>. Writing goes through a hidden
/// temporary file renamed into place when complete, so a reader never sees half a file; reading lists, opens and deletes
/// them. Hidden entries (names starting with '.', such as temporary files still being written) are not objects.
/// </summary>
internal sealed class LocalFolderStore : IUploader, IShareStore
{
    private const int BufferSize = 64 * 1024;

    /// <summary>
    /// Objects are copied to their file in pieces of up to this size (a pooled buffer): each write is a system call and
    /// a hand-off to another thread, and each read a pass of the policy's checks, so large pieces mean few of them.
    /// </summary>
    private const int CopySize = 1024 * 1024;
    private readonly string _root;

    public LocalFolderStore(string folder)
    {
        _root = Path.GetFullPath(folder);
    }

    public async Task UploadAsync(UploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = PathOf(request.Key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = TemporaryFile.Beside(target, ownerOnly: false);
        await using (temporary.ConfigureAwait(false))
        {
            if (request.Body is ISegmentedReadStream { CanReadSegments: true } segments)
            {
                // The encryptor's own buffers, checked in place by the policy, go straight to the file (writes of at
                // least the file stream's buffer bypass it): no copy into a buffer of this store's. The write is
                // synchronous on purpose: an asynchronous file write on Unix is this same write on another pool
                // thread, so it would only add a hand-off (a wake-up) per segment.
                ReadOnlyMemory<byte> segment;
                while (!(segment = await segments.ReadSegmentAsync(cancellationToken).ConfigureAwait(false)).IsEmpty)
                {
                    temporary.Stream.Write(segment.Span);
                }
            }
            else
            {
                await request.Body.CopyToAsync(temporary.Stream, CopySize, cancellationToken).ConfigureAwait(false);
            }

            // Only the manifest, the share's commit point, waits for the disk: an fsync per object cost a share of
            // many small files most of its time. After a crash an object may be lost or short, which the receiver
            // refuses (authenticated encryption, the manifest's SHA-256); it never reads altered bytes as good ones.
            temporary.MoveIntoPlace(flushToDisk: IsManifest(request.Key));
        }
    }

    public string Description => $"local folder '{_root}'";

    public Task<StoreListing> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        // A missing prefix folder is a prefix nobody has shared under yet; a missing store folder is a wrong path, as a
        // missing bucket is on S3, and reading it as "no shares" would hide the typo from a scheduled receive.
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"The folder store '{_root}' does not exist. Check the path (the CLI's --from); the first share written to the store creates it.");
        }

        var directory = prefix.Length == 0 ? _root : PathOf(prefix);
        if (!Directory.Exists(directory))
        {
            return Task.FromResult(new StoreListing([], []));
        }

        string KeyOf(string name) => prefix.Length == 0 ? name : $"{prefix}/{name}";
        var objects = Directory.EnumerateFiles(directory).Select(Path.GetFileName).Where(IsVisible).Select(n => KeyOf(n!)).ToList();
        var folders = Directory.EnumerateDirectories(directory).Select(Path.GetFileName).Where(IsVisible).Select(n => KeyOf(n!)).ToList();
        return Task.FromResult(new StoreListing(objects, folders));
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException($"Object '{key}' is not in {Description}.", ex);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        File.Delete(path);
        var directory = Path.GetDirectoryName(path)!;

        // Remove folders the deletes emptied, up to (not including) the store root.
        while (directory.Length > _root.Length && Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Directory.Delete(directory);
            directory = Path.GetDirectoryName(directory)!;
        }

        return Task.CompletedTask;
    }

    private static bool IsManifest(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        var end = name.IndexOf(ReceiveClient.ManifestName, StringComparison.Ordinal);
        return end > 0 && Sharing.ShareId.IsValid(name[..end]);
    }

    private static bool IsVisible(string? name) => !string.IsNullOrEmpty(name) && name[0] != '.';

    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar)));
        return path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"Object key '{key}' resolves outside the store folder '{_root}'.", nameof(key));
    }
}
