using System.Text.RegularExpressions;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Policy;

namespace S3S2.Sharing.Audit;

/// <summary>
/// The checks the audit and the generator share on a bucket, its partners, the prefix root and KMS keys, so both refuse
/// the same input with the same words. Values end up in policy ARNs, where '*' and '?' would be wildcards: refused.
/// </summary>
internal static partial class PartnerSettings
{
    /// <summary>Adds every problem to <paramref name="errors"/>.</summary>
    public static void Validate(string who, string? bucket, IDictionary<string, string> partners, string? prefixRoot, string? kmsKeyArn, IDictionary<string, string> partnerKmsKeys, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(bucket))
        {
            errors.Add($"{who}: Bucket is not set. Set it to the receiver's bucket name.");
        }
        else if (!BucketName().IsMatch(bucket))
        {
            errors.Add($"{who}: bucket '{bucket}' is not a valid S3 bucket name. Use 3 to 63 lower-case letters, digits, '.' and '-'.");
        }

        try
        {
            var root = ObjectKeys.NormalizePrefix(prefixRoot);
            if (root.Length == 0 || root.IndexOfAny(['*', '?']) >= 0)
            {
                errors.Add($"{who}: prefix root '{prefixRoot}' must be a non-empty prefix without '*' or '?', for example 'partners'.");
            }
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{who}: prefix root: {ex.Message.Split(" (Parameter", 2)[0]}");
        }

        foreach (var (name, principal) in partners)
        {
            if (!PartnerName().IsMatch(name))
            {
                errors.Add($"{who}: partner name '{name}' must be 1 to 64 letters, digits, '.', '_' or '-' (it becomes the prefix <root>/{name}/).");
            }

            if (!IsPrincipal(principal))
            {
                errors.Add($"{who}: partner '{name}' principal '{principal}' is not an AWS principal. Give a role, user or account-root ARN (arn:aws:iam::111122223333:role/Name) or a 12-digit account id.");
            }
        }

        if (kmsKeyArn is not null && !KmsKeyArn.IsKeyArn(kmsKeyArn))
        {
            errors.Add($"{who}: KMS key '{kmsKeyArn}' is not a key ARN. Give arn:aws:kms:REGION:ACCOUNT:key/ID (S3 compares the full ARN).");
        }

        foreach (var (name, key) in partnerKmsKeys)
        {
            if (!partners.ContainsKey(name))
            {
                errors.Add($"{who}: a KMS key is given for partner '{name}', who is not among the partners [{string.Join(", ", partners.Keys)}]. Add the partner or fix the name.");
            }

            if (!KmsKeyArn.IsKeyArn(key))
            {
                errors.Add($"{who}: partner '{name}' KMS key '{key}' is not a key ARN. Give arn:aws:kms:REGION:ACCOUNT:key/ID.");
            }
        }
    }

    /// <summary>The prefix root without surrounding '/'; call after <see cref="Validate"/>.</summary>
    public static string Root(string? prefixRoot) => ObjectKeys.NormalizePrefix(prefixRoot);

    /// <summary>The key each partner's SSE-KMS uploads must name: its own, else the shared one, else none.</summary>
    public static string? KeyFor(string partner, string? sharedKey, IDictionary<string, string> partnerKmsKeys) =>
        partnerKmsKeys.TryGetValue(partner, out var own) ? own : sharedKey;

    public static bool IsPrincipal(string? value) => value is not null && (AccountId().IsMatch(value) || PrincipalArn().IsMatch(value));

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex PartnerName();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountId();

    [GeneratedRegex("^arn:aws[a-z-]*:(iam::[0-9]{12}:(root|(user|role)/[A-Za-z0-9+=,.@_/-]+)|sts::[0-9]{12}:assumed-role/[A-Za-z0-9+=,.@_/-]+)$")]
    private static partial Regex PrincipalArn();
}
