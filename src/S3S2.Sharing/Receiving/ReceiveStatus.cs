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
}
