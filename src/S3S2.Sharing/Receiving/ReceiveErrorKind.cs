namespace S3S2.Sharing.Receiving;

/// <summary>What kind of failure stopped a file or share; decides its status, whether it is retried, and the CLI's exit code.</summary>
internal enum ReceiveErrorKind
{
    /// <summary>Corrupt, modified, missing or mismatching content: <see cref="ReceiveStatus.IntegrityFailed"/> (exit 4).</summary>
    Integrity,

    /// <summary>No configured key can decrypt it, or a key is unusable (exit 2).</summary>
    Key,

    /// <summary>One of the receiver's limits refused it: <see cref="ReceiveStatus.Refused"/> (exit 3).</summary>
    Limit,

    /// <summary>Refused for its signer (unsigned when required, unpinned or misplaced signer, bad signature): <see cref="ReceiveStatus.Refused"/> (exit 3).</summary>
    Signer,

    /// <summary>The connection or the store failed in a way a new download may not: retried with backoff.</summary>
    Transient,

    /// <summary>Anything else (local I/O, permissions, unsupported format): <see cref="ReceiveStatus.Failed"/> (exit 1).</summary>
    Other,
}
