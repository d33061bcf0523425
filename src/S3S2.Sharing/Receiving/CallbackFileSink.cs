using S3S2.Sharing.Manifest;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Receiving;

/// <summary>
/// Hands each verified file to the caller's callback. A file's integrity is only known once its last byte is
/// decrypted (the OpenPGP MDC, the manifest's SHA-256), so the plaintext is spooled to a private temporary file
/// (folder 0700, file 0600) and the callback gets it only after the pipeline verified it; the file is deleted when the
/// callback returns, whatever it does. Memory stays bounded for any file size; disk holds at most one spool file per
/// file received at once. Nothing is remembered between runs: a share is handed over again on every call.
/// </summary>
internal sealed class CallbackFileSink : IReceivedFileSink
{
    private const int BufferSize = 64 * 1024;
    private readonly Func<VerifiedFile, CancellationToken, Task> _callback;
    private readonly ShareManifest _manifest;
    private readonly IReadOnlyDictionary<string, string> _labels;

    public CallbackFileSink(string spoolDirectory, ShareManifest manifest, Func<VerifiedFile, CancellationToken, Task> callback)
    {
        SpoolDirectory = spoolDirectory;
        _manifest = manifest;
        _callback = callback;
        _labels = manifest.Labels ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    public string SpoolDirectory { get; }

    /// <summary>A fresh spool folder (0700) under <paramref name="temporaryRoot"/> for one share.</summary>
    public static string CreateSpoolDirectory(string temporaryRoot, string shareId)
    {
        var directory = Path.Combine(temporaryRoot, $"s3s2-receive-{shareId}-{Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}");
        FolderFileSink.CreateOwnerOnlyDirectory(directory);
        return directory;
    }

    public Task<(ReceiveStatus Status, string? Error)?> FindExistingAsync(PlannedFile file, string description, CancellationToken cancellationToken) =>
        Task.FromResult<(ReceiveStatus, string?)?>(null);

    public IReceivedFileWriter Begin(PlannedFile file) =>
        new Writer(this, file.Entry, TemporaryFile.Beside(Path.Combine(SpoolDirectory, "file"), ownerOnly: true));

    public Task MarkReceivedAsync(string manifestKey, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Finish()
    {
        try
        {
            Directory.Delete(SpoolDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Spool files are deleted one by one as callbacks return; a leftover empty folder in the temporary folder is harmless.
        }
    }

    private sealed class Writer(CallbackFileSink sink, ManifestFile entry, TemporaryFile spool) : IReceivedFileWriter
    {
        public Stream Stream => spool.Stream;

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            spool.Close(flushToDisk: false);
            var content = new FileStream(spool.Path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (content.ConfigureAwait(false))
            {
                var file = new VerifiedFile(sink._manifest.ShareId, entry.Path, entry.Size, entry.Sha256.ToLowerInvariant(), sink._manifest.Sender, sink._labels, sink._manifest.IdempotencyKey, content);
                try
                {
                    await sink._callback(file, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    throw new ReceiveCallbackFailedException(ex);
                }
            }
        }

        public ValueTask DisposeAsync() => spool.DisposeAsync();
    }
}
