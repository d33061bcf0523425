namespace S3S2.Sharing.Receiving;

/// <summary>The outcome of receiving a file or a share.</summary>
public enum ReceiveStatus
{
    /// <summary>Downloaded, decrypted, verified and renamed into place.</summary>
    Received,

    /// <summary>Already in place with the size and SHA-256 the manifest lists; nothing was downloaded.</summary>
    AlreadyReceived,

    /// <summary>A different file is already at the target path; it was left untouched.</summary>
    Conflict,

    /// <summary>A message or file failed an integrity check (corrupt, truncated, modified, unsafe manifest); nothing of it was kept.</summary>
    IntegrityFailed,

    /// <summary>Another error (missing object, unsupported encryption, I/O); nothing of it was kept.</summary>
    Failed,

    /// <summary>
    /// Refused by one of the receiver's limits (file or share size, file count, path depth, expansion ratio, free disk
    /// space), or for its signer (unsigned when signatures are required, signed by a key not pinned for the prefix, or a
    /// signature that does not verify); nothing of it was kept. Raise the limit or pin the signer if the share is expected.
    /// </summary>
    Refused,

    /// <summary>
    /// Encrypted to none of the configured keys while other shares under the prefix are readable: it is not for this
    /// receiver (or was planted), so it is skipped with a warning and not counted as a failure.
    /// </summary>
    Skipped,
}
