using System.Collections.Concurrent;
using System.Security.Cryptography;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// Received files go to <c>&lt;output&gt;/&lt;shareId&gt;/&lt;relative path&gt;</c>: each through a hidden temporary file
/// beside its target, renamed into place without overwriting anything. Folders it creates are 0700, files 0600, and
/// nothing is written through a link. The marker <c>&lt;output&gt;/&lt;shareId&gt;.received</c> (0600) records a complete share.
/// </summary>
internal sealed class FolderFileSink : IReceivedFileSink
{
    private const int BufferSize = 64 * 1024;
    private readonly string _root;
    private readonly string _shareDirectory;
    private readonly string _shareId;
    private readonly ConcurrentBag<string> _created = [];

    public FolderFileSink(string root, string shareId)
    {
        _root = root;
        _shareId = shareId;
        _shareDirectory = Path.Combine(root, shareId);
    }

    public static string MarkerOf(string root, string shareId, string suffix = ReceiveClient.ReceivedMarkerSuffix) => Path.Combine(root, shareId + suffix);

    /// <summary>Creates <paramref name="directory"/> (and its missing parents) readable by the owner only.</summary>
    public static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public static async Task<(long Size, string Sha256)> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
            return (file.Length, Convert.ToHexString(hash).ToLowerInvariant());
        }
    }

    public async Task<(ReceiveStatus Status, string? Error)?> FindExistingAsync(PlannedFile file, string description, CancellationToken cancellationToken)
    {
        if (Directory.Exists(file.Target))
        {
            return (ReceiveStatus.Conflict, $"{description}: a folder is already at '{file.Target}'; it is never overwritten. Move it away and receive again.");
        }

        if (!File.Exists(file.Target))
        {
            return null;
        }

        var (size, sha256) = await HashFileAsync(file.Target, cancellationToken).ConfigureAwait(false);
        return size == file.Entry.Size && string.Equals(sha256, file.Entry.Sha256, StringComparison.OrdinalIgnoreCase)
            ? (ReceiveStatus.AlreadyReceived, null)
            : (ReceiveStatus.Conflict, $"{description}: a different file is already at '{file.Target}'; it is never overwritten. Move it away and receive again.");
    }

    public IReceivedFileWriter Begin(PlannedFile file)
    {
        var directory = EnsureFolder(Path.GetDirectoryName(file.Target)!);
        RemoveStalePartials(directory);
        return new Writer(TemporaryFile.Beside(file.Target, ownerOnly: true));
    }

    public Task MarkReceivedAsync(string manifestKey, CancellationToken cancellationToken) =>
        MarkAsync(ReceiveClient.ReceivedMarkerSuffix, manifestKey, cancellationToken);

    /// <summary>Writes the marker <c>&lt;output&gt;/&lt;shareId&gt;&lt;suffix&gt;</c> (0600) holding <paramref name="content"/>, never through a link.</summary>
    public async Task MarkAsync(string suffix, string content, CancellationToken cancellationToken)
    {
        CreateOwnerOnlyDirectory(_root);
        var path = MarkerOf(_root, _shareId, suffix);
        var existing = new FileInfo(path);
        if (existing.LinkTarget is not null)
        {
            throw new IOException($"The marker '{path}' of share {_shareId} is a link; markers are never written through links. Remove it and receive again.");
        }

        // Written to a new file (O_CREAT|O_EXCL: a link in its place fails) and renamed over nothing, so no link is followed.
        var temporary = TemporaryFile.Beside(path, ownerOnly: true);
        await using (temporary.ConfigureAwait(false))
        {
            await temporary.Stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(content + Environment.NewLine), cancellationToken).ConfigureAwait(false);
            if (existing.Exists)
            {
                temporary.Close();
                File.Move(temporary.Path, path, overwrite: true);
            }
            else
            {
                temporary.MoveIntoPlace();
            }
        }
    }

    public void Finish()
    {
        // Deepest first, so a folder emptied by removing its children goes too.
        foreach (var folder in _created.Distinct(StringComparer.Ordinal).OrderByDescending(f => f.Length))
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

    /// <summary>Removes what an interrupted receive left; recent ones may belong to a receive still running.</summary>
    private static void RemoveStalePartials(string directory)
    {
        foreach (var stale in Directory.EnumerateFiles(directory, TemporaryFile.Pattern))
        {
            if (File.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddHours(-1))
            {
                TemporaryFile.DeleteQuietly(stale);
            }
        }
    }

    /// <summary>Creates the folders down to <paramref name="directory"/>, recording the ones it made; refuses to pass through a link.</summary>
    private string EnsureFolder(string directory)
    {
        var missing = new Stack<string>();
        for (var current = directory; current.Length > _root.Length; current = Path.GetDirectoryName(current)!)
        {
            var info = new DirectoryInfo(current);
            if (info.LinkTarget is not null)
            {
                throw new IOException($"'{current}' is a link; files are never written through links. Remove it and receive again.");
            }

            if (!info.Exists)
            {
                missing.Push(current);
            }
        }

        CreateOwnerOnlyDirectory(_root);
        foreach (var folder in missing)
        {
            CreateOwnerOnlyDirectory(folder);
            _created.Add(folder);
        }

        return directory;
    }

    private sealed class Writer(TemporaryFile temporary) : IReceivedFileWriter
    {
        private readonly FlushBehindFileStream _stream = new(temporary.Stream);

        public Stream Stream => _stream;

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            // An early flush that failed may have lost bytes the final fsync would not report again.
            await _stream.ThrowIfFlushFailedAsync().ConfigureAwait(false);
            temporary.MoveIntoPlace();
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            await temporary.DisposeAsync().ConfigureAwait(false);
        }
    }
}
