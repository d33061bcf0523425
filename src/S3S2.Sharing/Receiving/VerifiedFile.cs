namespace S3S2.Sharing.Receiving;

/// <summary>
/// One file of a share handed to a receive callback (<see cref="IReceiveClient.ReceiveShareAsync(string, Func{VerifiedFile, CancellationToken, Task}, CancellationToken)"/>)
/// after every check passed: decrypted with integrity verified, and its size and SHA-256 equal to the manifest's.
/// </summary>
public sealed class VerifiedFile
{
    internal VerifiedFile(string shareId, string path, long size, string sha256, string sender, IReadOnlyDictionary<string, string> labels, string? idempotencyKey, Stream content)
    {
        ShareId = shareId;
        Path = path;
        Size = size;
        Sha256 = sha256;
        Sender = sender;
        Labels = labels;
        IdempotencyKey = idempotencyKey;
        Content = content;
    }

    /// <summary>Gets the share id.</summary>
    public string ShareId { get; }

    /// <summary>Gets the relative path from the manifest ('/' separators).</summary>
    public string Path { get; }

    /// <summary>Gets the plaintext size in bytes.</summary>
    public long Size { get; }

    /// <summary>Gets the plaintext SHA-256, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>Gets the sender name the manifest states (written by the sender; not proof of who sent it).</summary>
    public string Sender { get; }

    /// <summary>Gets the labels the sender put in the manifest (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>Gets the sender's idempotency key, or <see langword="null"/>: the same key on two shares means the same logical share sent twice.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>
    /// Gets the verified plaintext: a read-only, seekable stream over a private spool file (0600) that is deleted when
    /// the callback returns. Read it within the callback; do not keep it.
    /// </summary>
    public Stream Content { get; }
}
