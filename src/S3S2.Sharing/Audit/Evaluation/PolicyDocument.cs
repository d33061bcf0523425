using System.Text.Json;

namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>A resource policy (a bucket policy) read from its JSON.</summary>
internal sealed class PolicyDocument
{
    private PolicyDocument(IReadOnlyList<PolicyStatement> statements) => Statements = statements;

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>A policy with no statement: what a bucket without a policy has.</summary>
    public static PolicyDocument Empty { get; } = new([]);

    /// <summary>Reads a policy; a document IAM would reject is refused with the reason, never half-read.</summary>
    /// <exception cref="FormatException">The JSON is not a policy.</exception>
    public static PolicyDocument Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The policy is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("Statement", out var statements))
            {
                throw new FormatException("The policy has no \"Statement\".");
            }

            var list = statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToList() : [statements];
            return new PolicyDocument(list.Select((s, i) => ParseStatement(s, i + 1)).ToList());
        }
    }

    private static PolicyStatement ParseStatement(JsonElement element, int position)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Statement {position} is not an object.");
        }

        var sid = element.TryGetProperty("Sid", out var sidElement) && sidElement.ValueKind == JsonValueKind.String ? sidElement.GetString() : null;
        var label = sid is { Length: > 0 } ? $"statement '{sid}'" : $"statement {position}";
        var effectElement = Required(element, "Effect", label);
        var effect = effectElement.ValueKind == JsonValueKind.String ? effectElement.GetString() : effectElement.GetRawText();
        if (effect is not ("Allow" or "Deny"))
        {
            throw new FormatException($"{label}: Effect \"{effect}\" must be \"Allow\" or \"Deny\".");
        }

        var (principal, notPrincipal) = OneOf(element, "Principal", "NotPrincipal", label);
        var (action, notAction) = OneOf(element, "Action", "NotAction", label);
        var (resource, notResource) = OneOf(element, "Resource", "NotResource", label);
        return new PolicyStatement
        {
            Sid = sid,
            Label = label,
            IsDeny = effect == "Deny",
            Principal = principal is { } p ? PrincipalSet.Parse(p) : null,
            NotPrincipal = notPrincipal is { } np ? PrincipalSet.Parse(np) : null,
            Actions = PolicyJson.Strings((action ?? notAction)!.Value, label + " Action"),
            ActionsNegated = action is null,
            Resources = PolicyJson.Strings((resource ?? notResource)!.Value, label + " Resource"),
            ResourcesNegated = resource is null,
            Conditions = element.TryGetProperty("Condition", out var condition) ? ParseConditions(condition, label) : [],
        };
    }

    private static List<PolicyCondition> ParseConditions(JsonElement element, string label)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{label}: Condition must be an object of operators.");
        }

        var conditions = new List<PolicyCondition>();
        foreach (var op in element.EnumerateObject())
        {
            if (op.Value.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{label}: condition operator {op.Name} must map condition keys to values.");
            }

            foreach (var key in op.Value.EnumerateObject())
            {
                conditions.Add(new PolicyCondition(op.Name, key.Name, PolicyJson.Strings(key.Value, $"{label} {op.Name} {key.Name}")));
            }
        }

        return conditions;
    }

    private static (JsonElement? Positive, JsonElement? Negative) OneOf(JsonElement element, string name, string negated, string label)
    {
        var hasPositive = element.TryGetProperty(name, out var positive);
        var hasNegative = element.TryGetProperty(negated, out var negative);
        return (hasPositive, hasNegative) switch
        {
            (true, false) => (positive, null),
            (false, true) => (null, negative),
            _ => throw new FormatException($"{label}: give exactly one of {name} and {negated}."),
        };
    }

    private static JsonElement Required(JsonElement element, string name, string label) =>
        element.TryGetProperty(name, out var value) ? value : throw new FormatException($"{label}: \"{name}\" is missing.");
}
