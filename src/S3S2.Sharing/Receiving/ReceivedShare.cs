namespace S3S2.Sharing.Receiving;

/// <summary>The outcome of receiving one share.</summary>
/// <param name="ShareId">The share id.</param>
/// <param name="Status">
/// <see cref="ReceiveStatus.Received"/> or <see cref="ReceiveStatus.AlreadyReceived"/> when every file is in place;
/// otherwise the worst file outcome (integrity failure before failure before conflict), or the share's own failure.
/// </param>
/// <param name="Directory">The folder the files were written to: <c>&lt;output&gt;/&lt;shareId&gt;</c>; empty when the files went to a callback.</param>
/// <param name="Files">One entry per manifest file; empty when the manifest itself was refused.</param>
/// <param name="Error">Why the share as a whole failed (for example an unsafe manifest); <see langword="null"/> otherwise.</param>
public sealed record ReceivedShare(string ShareId, ReceiveStatus Status, string Directory, IReadOnlyList<ReceivedFile> Files, string? Error)
{
    /// <summary>Gets a value indicating whether every file of the share is in place and verified.</summary>
    public bool Succeeded => Status is ReceiveStatus.Received or ReceiveStatus.AlreadyReceived;

    /// <summary>Gets the primary-key fingerprint of the partner whose signature over the manifest verified; <see langword="null"/> for an unsigned share or one refused before its signature was checked.</summary>
    public string? SignerFingerprint { get; init; }

    /// <summary>
    /// Gets a value indicating whether the share's manifest decrypted with the configured keys (whatever came after):
    /// the evidence that the keys work, which alone lets a run skip a share encrypted to none of them.
    /// </summary>
    internal bool ManifestDecrypted { get; init; }
}
