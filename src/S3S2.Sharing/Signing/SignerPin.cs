using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;

namespace S3S2.Sharing.Signing;

/// <summary>A pinned signer: a signing key's primary fingerprint, accepted for shares under <see cref="Prefix"/> (empty: any).</summary>
internal sealed record SignerPin(string Prefix, string Fingerprint)
{
    /// <summary>Returns what is wrong with <c>FINGERPRINT</c> or <c>PREFIX=FINGERPRINT</c>, or <see langword="null"/>.</summary>
    public static string? FindProblem(string? pin)
    {
        if (string.IsNullOrWhiteSpace(pin))
        {
            return "is empty";
        }

        var separator = pin.LastIndexOf('=');
        if (separator == 0)
        {
            return "has an empty prefix before '='";
        }

        if (separator > 0 && ObjectKeys.FindProblem(pin[..separator].Trim('/')) is { } prefixProblem)
        {
            return $"has a prefix that {prefixProblem}";
        }

        var fingerprint = OpenPgpRecipientKeys.NormalizeFingerprint(pin[(separator + 1)..]);
        return fingerprint.Length == 40 && fingerprint.All(Uri.IsHexDigit) ? null : "does not end in a fingerprint of 40 hex digits";
    }

    /// <summary>Parses a pin checked by <see cref="FindProblem"/>.</summary>
    public static SignerPin Parse(string pin)
    {
        var separator = pin.LastIndexOf('=');
        return new SignerPin(
            separator < 0 ? string.Empty : ObjectKeys.NormalizePrefix(pin[..separator]),
            OpenPgpRecipientKeys.NormalizeFingerprint(pin[(separator + 1)..]));
    }

    /// <summary>Whether this pin covers shares under <paramref name="prefix"/> (the same prefix or one below the pin's).</summary>
    public bool Covers(string prefix) =>
        Prefix.Length == 0 || string.Equals(prefix, Prefix, StringComparison.Ordinal) || prefix.StartsWith(Prefix + "/", StringComparison.Ordinal);

    public override string ToString() => Prefix.Length == 0 ? Fingerprint : $"{Prefix}={Fingerprint}";
}
