namespace S3S2.Sharing.CommandLine.Commands;

/// <summary>Reads repeated <c>NAME=VALUE</c> options (<c>--partner</c>, <c>--partner-kms-key</c>) into a map.</summary>
internal static class PartnerArguments
{
    public static Dictionary<string, string> Parse(IEnumerable<string>? values, string option)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var separator = value.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0 || separator == value.Length - 1)
            {
                throw new UsageException($"{option} '{value}' must be NAME=VALUE, for example {option} BigDataRider=arn:aws:iam::111122223333:role/BigDataRider.");
            }

            var name = value[..separator];
            if (!map.TryAdd(name, value[(separator + 1)..]))
            {
                throw new UsageException($"{option} names '{name}' twice. Give each partner once.");
            }
        }

        return map;
    }
}
