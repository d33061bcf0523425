namespace S3S2.Sharing.Audit;

/// <summary>How much a finding matters. <c>s3s2 audit</c> exits 5 when any finding is <see cref="Warning"/> or worse.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing; nothing to fix (for example object lock is off, or an account-level setting could not be read).</summary>
    Informational,

    /// <summary>A control is missing or could not be checked; fix it before partners use the bucket.</summary>
    Warning,

    /// <summary>Someone can read, list, overwrite or delete what they must not, or the bucket is public.</summary>
    Critical,
}
