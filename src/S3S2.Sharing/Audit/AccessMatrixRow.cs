namespace S3S2.Sharing.Audit;

/// <summary>One subject of the access matrix (a partner, an anonymous caller, an unrelated account) and its checks.</summary>
public sealed class AccessMatrixRow
{
    /// <summary>Gets the subject: a partner's name, <c>anonymous</c> or <c>other-account</c>.</summary>
    public required string Subject { get; init; }

    /// <summary>Gets the principal ARN evaluated; <see langword="null"/> for an anonymous caller.</summary>
    public string? Principal { get; init; }

    /// <summary>Gets the checks, in the order of <see cref="BucketAuditReport.AccessMatrixColumns"/>.</summary>
    public required IReadOnlyList<AccessCheck> Checks { get; init; }
}
