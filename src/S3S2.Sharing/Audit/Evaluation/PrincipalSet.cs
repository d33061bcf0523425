using System.Text.Json;

namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>The principals a statement's <c>Principal</c> or <c>NotPrincipal</c> names.</summary>
internal sealed class PrincipalSet
{
    private PrincipalSet(bool everyone, IReadOnlyList<string> aws, IReadOnlyList<string> others)
    {
        Everyone = everyone;
        Aws = aws;
        Others = others;
    }

    /// <summary>Gets a value indicating whether the set is <c>"*"</c> or <c>{"AWS": "*"}</c>: every caller, anonymous ones too.</summary>
    public bool Everyone { get; }

    /// <summary>Gets the <c>AWS</c> principals: ARNs, account roots, account ids.</summary>
    public IReadOnlyList<string> Aws { get; }

    /// <summary>Gets principals of other kinds (<c>Service:...</c>, <c>Federated:...</c>, <c>CanonicalUser:...</c>); they never match an AWS caller.</summary>
    public IReadOnlyList<string> Others { get; }

    public static PrincipalSet Parse(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString() == "*"
                ? new PrincipalSet(true, [], [])
                : throw new FormatException($"Principal \"{element.GetString()}\" is not valid: a string principal must be \"*\"; name others as {{\"AWS\": \"<ARN or account id>\"}}.");
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Principal must be \"*\" or an object such as {{\"AWS\": [...]}}, not {element.ValueKind}.");
        }

        var everyone = false;
        var aws = new List<string>();
        var others = new List<string>();
        foreach (var property in element.EnumerateObject())
        {
            foreach (var value in PolicyJson.Strings(property.Value, "Principal." + property.Name))
            {
                if (property.Name == "AWS")
                {
                    everyone |= value == "*";
                    aws.Add(value);
                }
                else
                {
                    others.Add(property.Name + ":" + value);
                }
            }
        }

        return new PrincipalSet(everyone, aws, others);
    }

    /// <summary>Whether the caller is in the set; an account (<c>123456789012</c> or its <c>:root</c> ARN) holds every principal of that account.</summary>
    public bool Contains(string? principalArn)
    {
        if (Everyone)
        {
            return true;
        }

        if (principalArn is null)
        {
            return false;
        }

        var account = AccountOf(principalArn);
        foreach (var entry in Aws)
        {
            if (string.Equals(entry, principalArn, StringComparison.Ordinal))
            {
                return true;
            }

            var entryAccount = entry.Length == 12 && entry.All(char.IsAsciiDigit) ? entry
                : entry.StartsWith("arn:", StringComparison.Ordinal) && entry.EndsWith(":root", StringComparison.Ordinal) ? AccountOf(entry)
                : null;
            if (entryAccount is not null && string.Equals(entryAccount, account, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The account id an IAM or STS ARN belongs to (its fifth part), or the value itself when it is an account id.</summary>
    public static string? AccountOf(string principal)
    {
        if (principal.Length == 12 && principal.All(char.IsAsciiDigit))
        {
            return principal;
        }

        var parts = principal.Split(':');
        return parts.Length >= 6 && parts[0] == "arn" && parts[4].Length > 0 ? parts[4] : null;
    }
}
