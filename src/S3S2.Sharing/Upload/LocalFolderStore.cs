namespace S3S2.Sharing.Upload;

/// <summary>
/// The embedded default store: objects become files at <c>&lt;folder&gt;/&lt;object key&gt;</c>, written to a
/// hidden temporary file first and renamed into place when complete, so a reader never sees half a file.
/// </summary>
internal sealed class LocalFolderStore : IUploader
{
    private const int BufferSize = 64 * 1024;
    private readonly string _root;

    public LocalFolderStore(string folder)
    {
        _root = Path.GetFullPath(folder);
    }

    public async Task UploadAsync(UploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = PathOf(request.Key);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temporary = TemporaryFile.Beside(target, ownerOnly: false);
        await using (temporary.ConfigureAwait(false))
        {
            await request.Body.CopyToAsync(temporary.Stream, BufferSize, cancellationToken).ConfigureAwait(false);
            temporary.MoveIntoPlace();
        }
    }

    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar)));
        return path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new InvalidOperationException($"Object key '{key}' resolves outside the store folder '{_root}'.");
    }
}
