namespace S3S2.Sharing.Encryption.Kms;

/// <summary>
/// Which KMS keys a receiver lets its credentials call: listed key ARNs, or (discovery, as the AWS Encryption SDK's
/// discovery filter) any key of listed accounts in one partition. Never empty: calling KMS with whatever key a
/// message names would show the receiver's identity to that key's owner and let a planted message choose the region.
/// </summary>
internal sealed class KmsKeyFilter
{
    private readonly HashSet<string> _keyArns;
    private readonly HashSet<string> _accounts;
    private readonly string _partition;

    public KmsKeyFilter(IEnumerable<string> keyArns, IEnumerable<string> accounts, string partition)
    {
        _keyArns = keyArns.ToHashSet(StringComparer.Ordinal);
        _accounts = accounts.ToHashSet(StringComparer.Ordinal);
        _partition = partition;
        if (_keyArns.Count == 0 && _accounts.Count == 0)
        {
            throw new ArgumentException(NoKeysAllowed, nameof(keyArns));
        }
    }

    /// <summary>The error when KMS envelope decryption is asked for without any allowed key or account.</summary>
    public const string NoKeysAllowed =
        "KMS envelope decryption needs the KMS keys it may use: add the key ARNs your partners encrypt to (AllowedKmsKeyIds; CLI: --kms-key ARN), "
        + "or the accounts whose keys may be used (AllowedKmsAccountIds; CLI: --kms-account ID). Without them a message could make the receiver call any key in any region.";

    public bool Allows(string keyArn) =>
        _keyArns.Contains(keyArn)
        || (_accounts.Count > 0 && KmsKeyArn.IsKeyArn(keyArn) && KmsKeyArn.PartitionOf(keyArn) == _partition && _accounts.Contains(KmsKeyArn.AccountOf(keyArn)!));

    public override string ToString()
    {
        var parts = new List<string>();
        if (_keyArns.Count > 0)
        {
            parts.Add($"keys [{string.Join(", ", _keyArns.Order(StringComparer.Ordinal))}]");
        }

        if (_accounts.Count > 0)
        {
            parts.Add($"any key of accounts [{string.Join(", ", _accounts.Order(StringComparer.Ordinal))}] in partition '{_partition}'");
        }

        return string.Join(" or ", parts);
    }
}
