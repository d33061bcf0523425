using System.Diagnostics.CodeAnalysis;

namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>The condition operators bucket policies use, as IAM defines them; any other operator is not evaluated.</summary>
internal static class ConditionOperators
{
    private static readonly Dictionary<string, ConditionOperator> Known = new(StringComparer.Ordinal)
    {
        ["StringEquals"] = new(ConditionOperatorKind.String, false),
        ["StringNotEquals"] = new(ConditionOperatorKind.String, true),
        ["StringEqualsIgnoreCase"] = new(ConditionOperatorKind.StringIgnoreCase, false),
        ["StringNotEqualsIgnoreCase"] = new(ConditionOperatorKind.StringIgnoreCase, true),
        ["StringLike"] = new(ConditionOperatorKind.StringLike, false),
        ["StringNotLike"] = new(ConditionOperatorKind.StringLike, true),
        ["Bool"] = new(ConditionOperatorKind.Bool, false),
        ["Null"] = new(ConditionOperatorKind.Null, false),
        ["ArnEquals"] = new(ConditionOperatorKind.Arn, false),
        ["ArnLike"] = new(ConditionOperatorKind.Arn, false),
        ["ArnNotEquals"] = new(ConditionOperatorKind.Arn, true),
        ["ArnNotLike"] = new(ConditionOperatorKind.Arn, true),
    };

    /// <summary>Finds an operator by its name without <c>IfExists</c>; set operators (<c>ForAnyValue:</c>...) are not known.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out ConditionOperator? op) => Known.TryGetValue(name, out op);
}
