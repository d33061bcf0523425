namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>A condition operator: how it compares, and whether it holds when no value matches (the <c>Not</c> operators).</summary>
/// <param name="Kind">How values compare.</param>
/// <param name="Negated">Whether the operator is one of the <c>Not</c> forms.</param>
internal sealed record ConditionOperator(ConditionOperatorKind Kind, bool Negated)
{
    /// <summary>Whether the policy's value matches the request's value, before negation.</summary>
    public bool Matches(string policyValue, string requestValue) => Kind switch
    {
        ConditionOperatorKind.String => string.Equals(policyValue, requestValue, StringComparison.Ordinal),
        ConditionOperatorKind.StringIgnoreCase => string.Equals(policyValue, requestValue, StringComparison.OrdinalIgnoreCase),
        ConditionOperatorKind.StringLike => Wildcard.IsMatch(policyValue, requestValue, ignoreCase: false),
        ConditionOperatorKind.Bool => string.Equals(policyValue, requestValue, StringComparison.OrdinalIgnoreCase),
        ConditionOperatorKind.Arn => Wildcard.IsArnMatch(policyValue, requestValue),
        _ => false,
    };
}
