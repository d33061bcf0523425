namespace S3S2.Sharing;

/// <summary>
/// Shares files with the receiver: each file is encrypted, checked by the share policy and uploaded,
/// then an encrypted manifest is uploaded last to mark the share complete.
/// </summary>
public interface IShareClient
{
    /// <summary>Shares files and directories as one share.</summary>
    /// <param name="paths">
    /// Files (shared under their file name) and directories (shared recursively, paths relative to the directory).
    /// </param>
    /// <param name="progress">Receives progress reports; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the share; the manifest is then never uploaded.</param>
    /// <returns>The receipt of the complete share.</returns>
    /// <exception cref="ShareFailedException">The share failed; the inner exception is the cause.</exception>
    /// <exception cref="OperationCanceledException">The share was cancelled; its inner exception is a <see cref="ShareFailedException"/> with the share id.</exception>
    Task<ShareReceipt> ShareAsync(IEnumerable<string> paths, IProgress<ShareProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Shares the content of a stream as a single file named <paramref name="name"/>.</summary>
    /// <param name="content">
    /// The plaintext; read once, from its current position to its end. Left open when the share succeeds; disposed when it
    /// fails or is cancelled, so a producer writing into it (a pipe, say) is released rather than left blocked.
    /// </param>
    /// <param name="name">The relative path the receiver sees, with '/' separators (for example <c>daily/orders.csv</c>).</param>
    /// <param name="progress">Receives progress reports; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the share; the manifest is then never uploaded.</param>
    /// <returns>The receipt of the complete share.</returns>
    /// <exception cref="ShareFailedException">The share failed; the inner exception is the cause.</exception>
    /// <exception cref="OperationCanceledException">The share was cancelled; its inner exception is a <see cref="ShareFailedException"/> with the share id.</exception>
    Task<ShareReceipt> ShareStreamAsync(Stream content, string name, IProgress<ShareProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a share built from several parts (files, directories, streams, writable files); nothing is visible to
    /// receivers until <see cref="IShareSession.CompleteAsync"/> uploads the manifest. Dispose the session in every case:
    /// disposed without completing, the share is abandoned.
    /// </summary>
    /// <param name="options">Labels and an idempotency key for the manifest; may be <see langword="null"/>.</param>
    /// <param name="progress">Receives progress reports (file count and total bytes grow as parts are added); may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the whole share, whatever part is running: the manifest is then never uploaded.</param>
    /// <returns>The open session.</returns>
    /// <exception cref="ArgumentException">A label or the idempotency key is invalid.</exception>
    Task<IShareSession> BeginShareAsync(ShareSessionOptions? options = null, IProgress<ShareProgress>? progress = null, CancellationToken cancellationToken = default);
}
