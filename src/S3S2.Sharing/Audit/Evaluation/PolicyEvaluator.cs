namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>
/// Decides a request against a resource policy the way IAM documents it: a statement applies when its principal,
/// action, resource and every condition match; any applying Deny wins; else any applying Allow allows; else the request
/// is implicitly denied. What the evaluator cannot model (operators, condition keys) is decided against the bucket
/// owner — an Allow is assumed to apply, a Deny is assumed not to — and named in the result, so an audit never reports
/// less access than there may be.
/// </summary>
internal static class PolicyEvaluator
{
    /// <summary>The condition keys a request context here can carry; any other key is unknown, not absent.</summary>
    public static readonly IReadOnlySet<string> ModelledKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ConditionKeys.SecureTransport,
        ConditionKeys.ServerSideEncryption,
        ConditionKeys.ServerSideEncryptionKmsKeyId,
        ConditionKeys.PrincipalArn,
        ConditionKeys.PrincipalAccount,
    };

    public static AccessResult Evaluate(PolicyDocument policy, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(request);
        var context = WithPrincipalKeys(request);
        var uncertainties = new List<string>();
        var allowed = false;
        foreach (var statement in policy.Statements)
        {
            if (!PrincipalMatches(statement, request.PrincipalArn) || !ActionMatches(statement, request.Action) || !ResourceMatches(statement, request.Resource))
            {
                continue;
            }

            var conditions = Conditions(statement, context, out var unknown);
            if (conditions == ConditionResult.False)
            {
                continue;
            }

            if (conditions == ConditionResult.Unknown)
            {
                // Worst case for the bucket owner: a Deny that may not apply does not protect; an Allow that may apply grants.
                uncertainties.Add(statement.IsDeny
                    ? $"{statement.Label} (Deny) was assumed not to apply: {unknown}"
                    : $"{statement.Label} (Allow) was assumed to apply: {unknown}");
                if (statement.IsDeny)
                {
                    continue;
                }
            }

            if (statement.IsDeny)
            {
                return new AccessResult(AccessDecision.ExplicitDeny, uncertainties);
            }

            allowed = true;
        }

        return new AccessResult(allowed ? AccessDecision.Allow : AccessDecision.ImplicitDeny, uncertainties);
    }

    private static Dictionary<string, string> WithPrincipalKeys(AccessRequest request)
    {
        var context = new Dictionary<string, string>(request.Context, StringComparer.OrdinalIgnoreCase);
        if (request.PrincipalArn is { } arn)
        {
            context.TryAdd(ConditionKeys.PrincipalArn, arn);
            if (PrincipalSet.AccountOf(arn) is { } account)
            {
                context.TryAdd(ConditionKeys.PrincipalAccount, account);
            }
        }

        return context;
    }

    private static bool PrincipalMatches(PolicyStatement statement, string? principalArn) =>
        statement.Principal is { } principal ? principal.Contains(principalArn) : !statement.NotPrincipal!.Contains(principalArn);

    private static bool ActionMatches(PolicyStatement statement, string action) =>
        statement.Actions.Any(pattern => Wildcard.IsMatch(pattern, action, ignoreCase: true)) != statement.ActionsNegated;

    private static bool ResourceMatches(PolicyStatement statement, string resource) =>
        statement.Resources.Any(pattern => Wildcard.IsMatch(pattern, resource, ignoreCase: false)) != statement.ResourcesNegated;

    /// <summary>All conditions of a statement must hold (AND); <see cref="ConditionResult.Unknown"/> when none is false but one cannot be decided.</summary>
    private static ConditionResult Conditions(PolicyStatement statement, Dictionary<string, string> context, out string unknown)
    {
        var result = ConditionResult.True;
        var reasons = new List<string>();
        foreach (var condition in statement.Conditions)
        {
            var one = Condition(condition, context, out var reason);
            if (one == ConditionResult.False)
            {
                unknown = string.Empty;
                return ConditionResult.False;
            }

            if (one == ConditionResult.Unknown)
            {
                result = ConditionResult.Unknown;
                reasons.Add(reason);
            }
        }

        unknown = string.Join("; ", reasons);
        return result;
    }

    private static ConditionResult Condition(PolicyCondition condition, Dictionary<string, string> context, out string reason)
    {
        reason = string.Empty;
        var name = condition.Operator;
        var ifExists = name.EndsWith("IfExists", StringComparison.Ordinal);
        var baseName = ifExists ? name[..^"IfExists".Length] : name;
        if (!ConditionOperators.TryGet(baseName, out var op) || (ifExists && op.Kind == ConditionOperatorKind.Null))
        {
            reason = $"condition operator {name} on {condition.Key} is not evaluated here";
            return ConditionResult.Unknown;
        }

        if (!ModelledKeys.Contains(condition.Key))
        {
            reason = $"condition key {condition.Key} ({name}) depends on the request and is not evaluated here";
            return ConditionResult.Unknown;
        }

        var present = context.TryGetValue(condition.Key, out var actual);
        if (op.Kind == ConditionOperatorKind.Null)
        {
            // Null: "true" means the key must be absent, "false" that it must be present.
            return condition.Values.Any(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase) != present) ? ConditionResult.True : ConditionResult.False;
        }

        if (!present)
        {
            // IAM: a missing key fails a condition, except with ...IfExists and with the negated operators.
            return ifExists || op.Negated ? ConditionResult.True : ConditionResult.False;
        }

        var anyMatches = condition.Values.Any(v => op.Matches(v, actual!));
        return anyMatches != op.Negated ? ConditionResult.True : ConditionResult.False;
    }
}
