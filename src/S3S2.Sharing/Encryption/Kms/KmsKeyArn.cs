namespace S3S2.Sharing.Encryption.Kms;

/// <summary>KMS key ARNs (<c>arn:aws:kms:REGION:ACCOUNT:key/ID</c>): the only key names the policy and profiles accept.</summary>
internal static class KmsKeyArn
{
    /// <summary>Whether <paramref name="keyId"/> is a full KMS key ARN (not a bare key id or an alias).</summary>
    public static bool IsKeyArn(string? keyId)
    {
        var parts = (keyId ?? string.Empty).Split(':', 6);
        return parts.Length == 6 && parts[0] == "arn" && parts[1].StartsWith("aws", StringComparison.Ordinal) && parts[2] == "kms"
            && IsRegionName(parts[3]) && parts[4].Length > 0 && parts[5].StartsWith("key/", StringComparison.Ordinal) && parts[5].Length > 4;
    }

    /// <summary>The region a key ARN names, or <see langword="null"/> when it is not a key ARN (so no client is made for a made-up region).</summary>
    public static string? RegionOf(string keyArn) => IsKeyArn(keyArn) ? keyArn.Split(':')[3] : null;

    /// <summary>The partition (<c>aws</c>, <c>aws-cn</c>...) a key ARN names, or <see langword="null"/> when it is not a key ARN.</summary>
    public static string? PartitionOf(string keyArn) => IsKeyArn(keyArn) ? keyArn.Split(':')[1] : null;

    /// <summary>The account a key ARN names, or <see langword="null"/> when it is not a key ARN.</summary>
    public static string? AccountOf(string keyArn) => IsKeyArn(keyArn) ? keyArn.Split(':')[4] : null;

    /// <summary>Whether <paramref name="account"/> is an AWS account id (12 digits).</summary>
    public static bool IsAccountId(string? account) => account is { Length: 12 } && account.All(char.IsAsciiDigit);

    /// <summary>
    /// A region name as AWS writes them, <c>^[a-z]{2}(-[a-z]+)+-[0-9]+$</c> (<c>eu-west-1</c>, <c>us-gov-east-1</c>), checked
    /// without the regex engine: every KMS share and receive checks its key ARNs at start-up, and loading that engine
    /// was a measurable part of a short process.
    /// </summary>
    internal static bool IsRegionName(string name)
    {
        var parts = name.Split('-');
        if (parts.Length < 3 || parts[0].Length != 2 || !parts[0].All(char.IsAsciiLetterLower) || parts[^1].Length == 0 || !parts[^1].All(char.IsAsciiDigit))
        {
            return false;
        }

        return parts[1..^1].All(part => part.Length > 0 && part.All(char.IsAsciiLetterLower));
    }
}
