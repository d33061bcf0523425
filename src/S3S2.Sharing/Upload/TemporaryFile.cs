namespace S3S2.Sharing.Upload;

/// <summary>
/// A hidden file beside its target (<c>.s3s2-&lt;12 hex digits&gt;.partial</c>, 26 bytes whatever the target's name, so
/// any name a file system takes still has room for its temporary file) that becomes the target only when complete: flushed to
/// disk, then moved into place without overwriting anything. Disposed without being moved, it is deleted, so a reader
/// never sees half a file. Used by the local folder store and by the receiving side.
/// </summary>
internal sealed class TemporaryFile : IAsyncDisposable
{
    /// <summary>The search pattern of temporary files in a folder (also those of earlier versions, named after their target).</summary>
    public const string Pattern = ".*" + NameSuffix;

    private const string NamePrefix = ".s3s2-";
    private const string NameSuffix = ".partial";
    private const int BufferSize = 64 * 1024;
    private readonly string _target;
    private bool _closed;
    private bool _moved;

    private TemporaryFile(string target, bool ownerOnly)
    {
        _target = target;
        Path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(target)!, $"{NamePrefix}{Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}{NameSuffix}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = BufferSize, Options = FileOptions.Asynchronous };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        Stream = new FileStream(Path, options);
    }

    /// <summary>Gets the temporary file's path.</summary>
    public string Path { get; }

    /// <summary>Gets the stream to write the content to.</summary>
    public FileStream Stream { get; }

    /// <summary>Starts a temporary file for <paramref name="target"/>; <paramref name="ownerOnly"/> makes it (and so the target) 0600 on Unix.</summary>
    public static TemporaryFile Beside(string target, bool ownerOnly) => new(target, ownerOnly);

    /// <summary>Flushes the content (to disk unless <paramref name="flushToDisk"/> is false) and closes the stream (the content can then be read back).</summary>
    /// <param name="flushToDisk">Whether to wait until the content is on disk (fsync).</param>
    public void Close(bool flushToDisk = true)
    {
        if (!_closed)
        {
            try
            {
                Stream.Flush(flushToDisk);
            }
            finally
            {
                _closed = true;
                Stream.Dispose();
            }
        }
    }

    /// <summary>Closes the file and moves it to the target; throws <see cref="IOException"/> when a file is already there.</summary>
    /// <param name="flushToDisk">Whether to wait until the content is on disk (fsync) before the move.</param>
    public void MoveIntoPlace(bool flushToDisk = true)
    {
        Close(flushToDisk);
        File.Move(Path, _target, overwrite: false);
        _moved = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Unflushed bytes of an unfinished file are not worth an error that would hide the first one.
            await Stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (!_moved && ex is IOException or UnauthorizedAccessException)
        {
        }
        finally
        {
            if (!_moved)
            {
                DeleteQuietly(Path);
            }
        }
    }

    /// <summary>Deletes a file, best effort: a leftover hidden temporary file is ignored by readers and cleaned up later.</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
