namespace S3S2.Sharing.Audit;

/// <summary>One thing the audit found wrong (or could not check) about the bucket.</summary>
public sealed class BucketFinding
{
    /// <summary>Gets the control, by its AWS Security Hub id where there is one (for example <c>S3.8</c>), else a name such as <c>access-matrix</c>.</summary>
    public required string Control { get; init; }

    /// <summary>Gets the severity.</summary>
    public required FindingSeverity Severity { get; init; }

    /// <summary>Gets what is wrong, in one line.</summary>
    public required string Title { get; init; }

    /// <summary>Gets what the audit saw: the setting's value, the statement, or the API error.</summary>
    public required string Evidence { get; init; }

    /// <summary>Gets how to fix it (a command or the setting to change).</summary>
    public required string Fix { get; init; }
}
