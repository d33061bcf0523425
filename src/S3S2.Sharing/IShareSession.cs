namespace S3S2.Sharing;

/// <summary>
/// One share built from several parts (files, directories, streams and writable files), started with
/// <see cref="IShareClient.BeginShareAsync"/>. Each part is encrypted, checked by the share policy and uploaded as it is
/// added; <see cref="CompleteAsync"/> uploads the manifest last, which is what makes the share visible to receivers.
/// </summary>
/// <remarks>
/// <para>
/// At most <see cref="ShareClientOptions.MaxConcurrentFiles"/> parts upload at once: an add waits for a free slot, and a
/// writable file holds its slot until it is disposed. Memory per part is bounded (a 1 MiB pipe plus the uploader's part
/// buffers), whatever its size.
/// </para>
/// <para>
/// Disposing the session without <see cref="CompleteAsync"/> abandons it: uploads still running are stopped (multipart
/// uploads aborted), no manifest is uploaded, so receivers never see the share, and a warning naming
/// <see cref="ShareId"/> and the keys in <see cref="UploadedKeys"/> is logged. Those objects stay in the bucket until a
/// lifecycle rule or the receiver's clean-up removes them; read <see cref="UploadedKeys"/> after disposing to report them.
/// </para>
/// <para>
/// When a part fails (policy refusal, S3 error, I/O error), the whole share fails: that call, and every later call on
/// the session, throws the same <see cref="ShareFailedException"/> (an <see cref="OperationCanceledException"/> wrapping
/// it when the share was cancelled), and a writer fed by a producer throws it at the next write, so the producer is
/// released rather than left blocked.
/// </para>
/// </remarks>
public interface IShareSession : IAsyncDisposable
{
    /// <summary>Gets the id of the share; the object keys of its parts start with it.</summary>
    string ShareId { get; }

    /// <summary>Gets the object keys uploaded so far (files only; the manifest is never among them until the share completes).</summary>
    IReadOnlyList<string> UploadedKeys { get; }

    /// <summary>Gets a value indicating whether <see cref="CompleteAsync"/> succeeded.</summary>
    bool IsCompleted { get; }

    /// <summary>Adds a file and waits until it is uploaded.</summary>
    /// <param name="path">The file to share.</param>
    /// <param name="name">The relative path the receiver sees ('/' separators); <see langword="null"/> for the file's name.</param>
    /// <param name="cancellationToken">Cancels the share (not only this file): the manifest is then never uploaded.</param>
    /// <returns>The shared file.</returns>
    /// <exception cref="ArgumentException">The name is not a safe relative path, or is already in this share; the share goes on.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist; the share goes on.</exception>
    /// <exception cref="ShareFailedException">The upload failed; the share has failed.</exception>
    Task<SharedFile> AddFileAsync(string path, string? name = null, CancellationToken cancellationToken = default);

    /// <summary>Adds every file under a directory (recursively) below its own sub-path, and waits until they are uploaded.</summary>
    /// <param name="directory">The directory to share; symbolic links are followed only when their target lies inside it.</param>
    /// <param name="subPath">The relative path the directory's files appear under (for example <c>reports/2026-11-30</c>); <see langword="null"/> for the directory's name.</param>
    /// <param name="cancellationToken">Cancels the share: the manifest is then never uploaded.</param>
    /// <returns>The shared files, in relative-path order.</returns>
    /// <exception cref="ArgumentException">The directory is empty, or a path is unsafe or already in this share; nothing of it was uploaded and the share goes on.</exception>
    /// <exception cref="ShareFailedException">An upload failed; the share has failed.</exception>
    Task<IReadOnlyList<SharedFile>> AddDirectoryAsync(string directory, string? subPath = null, CancellationToken cancellationToken = default);

    /// <summary>Adds the content of a stream (read once, from its current position to its end) and waits until it is uploaded.</summary>
    /// <param name="content">The plaintext. Left open when the upload succeeds; disposed when the share fails, so a producer writing into it is released.</param>
    /// <param name="name">The relative path the receiver sees ('/' separators).</param>
    /// <param name="cancellationToken">Cancels the share: the manifest is then never uploaded.</param>
    /// <returns>The shared file.</returns>
    /// <exception cref="ArgumentException">The name is not a safe relative path, or is already in this share; the share goes on.</exception>
    /// <exception cref="ShareFailedException">The upload failed; the share has failed.</exception>
    Task<SharedFile> AddStreamAsync(Stream content, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a file of the share for writing: what is written is hashed, encrypted and uploaded as it arrives (no
    /// temporary file; the writer waits when the upload falls behind). Dispose the stream to end the file; disposing
    /// waits for the upload and throws <see cref="ShareFailedException"/> when it failed. A producer that fails half-way
    /// must not complete the session: dispose the session instead, which abandons the share.
    /// </summary>
    /// <param name="name">The relative path the receiver sees ('/' separators).</param>
    /// <param name="cancellationToken">Cancels waiting for a free upload slot, and the share with it.</param>
    /// <returns>A write-only stream.</returns>
    /// <exception cref="ArgumentException">The name is not a safe relative path, or is already in this share; the share goes on.</exception>
    Task<Stream> OpenWriteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Uploads the encrypted manifest, last, making the share visible to receivers.</summary>
    /// <param name="cancellationToken">Cancels the share: the manifest is then never uploaded.</param>
    /// <returns>The receipt of the complete share.</returns>
    /// <exception cref="InvalidOperationException">The share has no file, a writable file is still open, or an add is still running.</exception>
    /// <exception cref="ShareFailedException">The share failed (now or earlier).</exception>
    Task<ShareReceipt> CompleteAsync(CancellationToken cancellationToken = default);
}
