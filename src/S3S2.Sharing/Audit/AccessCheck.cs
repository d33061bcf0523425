namespace S3S2.Sharing.Audit;

/// <summary>One cell of the access matrix: a question such as "PutObject under another partner's prefix" and its answer.</summary>
public sealed class AccessCheck
{
    /// <summary>Gets the question's short name (a column of the table, for example <c>put-other</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the action and resource asked about, for example <c>s3:PutObject arn:aws:s3:::bucket/partners/b/probe</c>.</summary>
    public required string Request { get; init; }

    /// <summary>Gets the policy's decision.</summary>
    public required AccessOutcome Outcome { get; init; }

    /// <summary>Gets what made the decision a worst case (conditions the evaluator cannot decide); empty when exact.</summary>
    public IReadOnlyList<string> Uncertainties { get; init; } = [];
}
