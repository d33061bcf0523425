namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>One statement of a resource policy.</summary>
internal sealed class PolicyStatement
{
    public string? Sid { get; init; }

    public bool IsDeny { get; init; }

    /// <summary>Gets the <c>Principal</c>; null when the statement uses <c>NotPrincipal</c>.</summary>
    public PrincipalSet? Principal { get; init; }

    public PrincipalSet? NotPrincipal { get; init; }

    /// <summary>Gets the action patterns; <see cref="ActionsNegated"/> when they came from <c>NotAction</c>.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    public bool ActionsNegated { get; init; }

    /// <summary>Gets the resource patterns; <see cref="ResourcesNegated"/> when they came from <c>NotResource</c>.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    public bool ResourcesNegated { get; init; }

    public IReadOnlyList<PolicyCondition> Conditions { get; init; } = [];

    /// <summary>Gets how the statement is named in findings: its Sid, or its position.</summary>
    public required string Label { get; init; }
}
