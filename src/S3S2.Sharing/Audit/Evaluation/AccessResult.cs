namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>A decision and what made it less than certain (conditions the evaluator cannot model).</summary>
/// <param name="Decision">The decision.</param>
/// <param name="Uncertainties">Why the decision is a worst case rather than exact; empty when it is exact.</param>
internal sealed record AccessResult(AccessDecision Decision, IReadOnlyList<string> Uncertainties)
{
    public bool IsAllowed => Decision == AccessDecision.Allow;
}
