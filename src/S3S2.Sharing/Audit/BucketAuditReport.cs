namespace S3S2.Sharing.Audit;

/// <summary>The result of auditing one bucket: findings (problems only) and the per-partner access matrix.</summary>
public sealed class BucketAuditReport
{
    /// <summary>Gets the bucket audited.</summary>
    public required string Bucket { get; init; }

    /// <summary>Gets the findings, worst first.</summary>
    public required IReadOnlyList<BucketFinding> Findings { get; init; }

    /// <summary>Gets the controls that were checked and passed (for example <c>S3.8</c>).</summary>
    public required IReadOnlyList<string> PassedControls { get; init; }

    /// <summary>Gets the access matrix's column names, in order.</summary>
    public required IReadOnlyList<string> AccessMatrixColumns { get; init; }

    /// <summary>Gets the access matrix: one row per partner, then anonymous and an unrelated account.</summary>
    public required IReadOnlyList<AccessMatrixRow> AccessMatrix { get; init; }

    /// <summary>Gets a value indicating whether any finding is a warning or worse (what <c>s3s2 audit</c> exits 5 for).</summary>
    public bool HasWarningsOrWorse => Findings.Any(f => f.Severity >= FindingSeverity.Warning);
}
