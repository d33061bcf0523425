namespace S3S2.Sharing.Receiving;

/// <summary>
/// The receiver's side: lists the shares partners wrote under the prefix, downloads, decrypts and verifies them,
/// and writes each file to <c>&lt;output&gt;/&lt;shareId&gt;/&lt;relative path&gt;</c> only once it has passed every check.
/// </summary>
public interface IReceiveClient
{
    /// <summary>Lists complete shares (manifest present) and incomplete ones (share folder without a manifest) under the prefix.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The shares, oldest first.</returns>
    Task<ShareListing> ListSharesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives one complete share. Each file is decrypted streamed, checked against the manifest's size and SHA-256
    /// and renamed into place only when every check passes; a file already in place with that size and SHA-256 is
    /// skipped, a different file at a target path is never overwritten.
    /// </summary>
    /// <param name="shareId">The share id (see <see cref="ListSharesAsync"/>).</param>
    /// <param name="outputDirectory">The folder under which <c>&lt;shareId&gt;/</c> is written; created when missing.</param>
    /// <param name="cancellationToken">Cancels the receive; files already in place stay, the rest resumes on the next call.</param>
    /// <returns>What happened to each file.</returns>
    /// <exception cref="ArgumentException">The share id is malformed or no such share exists under the prefix.</exception>
    /// <exception cref="Encryption.EncryptionKeyException">A secret key is unreadable or locked, or the share is encrypted to none of the keys.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Only the trailing CancellationToken is optional, as in every async .NET API; the second parameter's type tells the overloads apart.")]
    Task<ReceivedShare> ReceiveShareAsync(string shareId, string outputDirectory, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives one complete share as <see cref="ReceiveShareAsync(string, string, CancellationToken)"/> does, reporting
    /// its progress: bytes written and files in place, at most every quarter second and when a file is done.
    /// </summary>
    /// <param name="shareId">The share id (see <see cref="ListSharesAsync"/>).</param>
    /// <param name="outputDirectory">The folder under which <c>&lt;shareId&gt;/</c> is written; created when missing.</param>
    /// <param name="progress">Told the progress (one report at a time; keep the handler quick), or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the receive; files already in place stay, the rest resumes on the next call.</param>
    /// <returns>What happened to each file.</returns>
    /// <exception cref="ArgumentException">The share id is malformed or no such share exists under the prefix.</exception>
    /// <exception cref="Encryption.EncryptionKeyException">A secret key is unreadable or locked, or the share is encrypted to none of the keys.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Only the trailing CancellationToken is optional, as in every async .NET API; the third parameter's type tells the overloads apart.")]
    Task<ReceivedShare> ReceiveShareAsync(string shareId, string outputDirectory, IProgress<ReceiveProgress>? progress, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a share's manifest and checks its signature as <see cref="ReceiveShareAsync(string, string, CancellationToken)"/> does, writing nothing.
    /// </summary>
    /// <param name="shareId">The share id (see <see cref="ListSharesAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The verified signer's primary-key fingerprint, or <see langword="null"/> for an unsigned share this receiver accepts.</returns>
    /// <exception cref="Signing.SignerRefusedException">The share would be refused for its signer.</exception>
    /// <exception cref="IntegrityException">The manifest is corrupt or not a manifest.</exception>
    Task<string?> ReadSignerAsync(string shareId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives one complete share into code: each file is downloaded, decrypted with its integrity verified and
    /// checked against the manifest's size and SHA-256 — spooled meanwhile to a private temporary file (0600, in
    /// <see cref="ReceiveClientOptions.TemporaryDirectory"/>), because those checks end only with the last byte — and
    /// only then handed to <paramref name="onFile"/> as a stream; the spool file is deleted when the callback returns.
    /// No unverified byte reaches the callback. Files are handed over up to
    /// <see cref="ReceiveClientOptions.MaxConcurrentFiles"/> at once, so the callback must be safe to call concurrently
    /// (set <see cref="ReceiveClientOptions.MaxConcurrentFiles"/> to 1 for one at a time). Nothing is remembered: calling
    /// again hands the share over again (the manifest's idempotency key helps the callback recognize it).
    /// </summary>
    /// <param name="shareId">The share id (see <see cref="ListSharesAsync"/>).</param>
    /// <param name="onFile">Called once per verified file; an exception it throws stops the receive and is rethrown as is.</param>
    /// <param name="cancellationToken">Cancels the receive; passed on to the callback.</param>
    /// <returns>What happened to each file; a file that failed a check was not handed over and carries the reason.</returns>
    /// <exception cref="ArgumentException">The share id is malformed or no such share exists under the prefix.</exception>
    /// <exception cref="Encryption.EncryptionKeyException">A secret key is unreadable or locked, or the share is encrypted to none of the keys.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Only the trailing CancellationToken is optional, as in every async .NET API; the second parameter's type tells the overloads apart.")]
    Task<ReceivedShare> ReceiveShareAsync(string shareId, Func<VerifiedFile, CancellationToken, Task> onFile, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives one complete share into code as <see cref="ReceiveShareAsync(string, Func{VerifiedFile, CancellationToken, Task}, CancellationToken)"/>
    /// does, reporting its progress: bytes decrypted and verified, and files handed over (a file is done when the callback returned).
    /// </summary>
    /// <param name="shareId">The share id (see <see cref="ListSharesAsync"/>).</param>
    /// <param name="onFile">Called once per verified file; an exception it throws stops the receive and is rethrown as is.</param>
    /// <param name="progress">Told the progress (one report at a time; keep the handler quick), or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the receive; passed on to the callback.</param>
    /// <returns>What happened to each file; a file that failed a check was not handed over and carries the reason.</returns>
    /// <exception cref="ArgumentException">The share id is malformed or no such share exists under the prefix.</exception>
    /// <exception cref="Encryption.EncryptionKeyException">A secret key is unreadable or locked, or the share is encrypted to none of the keys.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Only the trailing CancellationToken is optional, as in every async .NET API; the parameters' types tell the overloads apart.")]
    Task<ReceivedShare> ReceiveShareAsync(string shareId, Func<VerifiedFile, CancellationToken, Task> onFile, IProgress<ReceiveProgress>? progress, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives every complete share not received yet into <paramref name="outputDirectory"/>, oldest first. A share
    /// received completely earlier is recognized by the marker <c>&lt;output&gt;/&lt;shareId&gt;.received</c> and not downloaded again.
    /// </summary>
    /// <param name="outputDirectory">The folder under which each <c>&lt;shareId&gt;/</c> is written.</param>
    /// <param name="cancellationToken">Cancels the receive.</param>
    /// <returns>One entry per share attempted or skipped.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Only the trailing CancellationToken is optional, as in every async .NET API; the second parameter's type tells the overloads apart.")]
    Task<IReadOnlyList<ReceivedShare>> ReceiveAllAsync(string outputDirectory, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives every complete share not received yet as <see cref="ReceiveAllAsync(string, CancellationToken)"/> does,
    /// reporting each share's progress in turn (<see cref="ReceiveProgress.ShareId"/> names it); shares received earlier
    /// report nothing.
    /// </summary>
    /// <param name="outputDirectory">The folder under which each <c>&lt;shareId&gt;/</c> is written.</param>
    /// <param name="progress">Told the progress (one report at a time; keep the handler quick), or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the receive.</param>
    /// <returns>One entry per share attempted or skipped.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Only the trailing CancellationToken is optional, as in every async .NET API; the second parameter's type tells the overloads apart.")]
    Task<IReadOnlyList<ReceivedShare>> ReceiveAllAsync(string outputDirectory, IProgress<ReceiveProgress>? progress, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decrypts one object of the store into a file, written to a temporary file and renamed into place once verified.
    /// The plaintext is bounded by <see cref="ReceiveClientOptions.MaxFileBytes"/> and by
    /// <see cref="ReceiveClientOptions.MaxExpansionRatio"/> times the ciphertext read (<see cref="ReceiveLimitException"/>;
    /// nothing is kept).
    /// </summary>
    /// <param name="key">The object key.</param>
    /// <param name="outputPath">The plaintext file; an existing different file is never overwritten (<see cref="IOException"/>).</param>
    /// <param name="cancellationToken">Cancels the decryption.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    Task DecryptObjectAsync(string key, string outputPath, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decrypts a local message file (OpenPGP, binary or armored, compressed or not, or KMS envelope) into a file, renamed
    /// into place once verified. The plaintext is bounded as in <see cref="DecryptObjectAsync"/>.
    /// </summary>
    /// <param name="inputPath">The encrypted file.</param>
    /// <param name="outputPath">The plaintext file; an existing different file is never overwritten (<see cref="IOException"/>).</param>
    /// <param name="cancellationToken">Cancels the decryption.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    Task DecryptFileAsync(string inputPath, string outputPath, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decrypts a message stream (which need not be seekable) into <paramref name="plaintext"/>. Plaintext is written
    /// before the integrity check at the end of the message completes: when this throws
    /// <see cref="IntegrityException"/>, discard everything written. The plaintext is bounded as in
    /// <see cref="DecryptObjectAsync"/>; when this throws <see cref="ReceiveLimitException"/>, discard it too.
    /// </summary>
    /// <param name="ciphertext">The message, read to its end.</param>
    /// <param name="plaintext">Receives the plaintext; left open.</param>
    /// <param name="cancellationToken">Cancels the decryption.</param>
    /// <returns>A task that completes when the message is decrypted and verified.</returns>
    Task DecryptAsync(Stream ciphertext, Stream plaintext, CancellationToken cancellationToken = default);
}
