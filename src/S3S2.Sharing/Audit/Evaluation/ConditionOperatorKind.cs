namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>How a condition operator compares values.</summary>
internal enum ConditionOperatorKind
{
    String,
    StringIgnoreCase,
    StringLike,
    Bool,
    Null,
    Arn,
}
