namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>One operator applied to one condition key, e.g. <c>"Bool": {"aws:SecureTransport": "false"}</c>.</summary>
/// <param name="Operator">The operator as written, with any <c>IfExists</c> suffix or set prefix.</param>
/// <param name="Key">The condition key.</param>
/// <param name="Values">The values; the condition holds when any of them matches (for negated operators: none).</param>
internal sealed record PolicyCondition(string Operator, string Key, IReadOnlyList<string> Values);
