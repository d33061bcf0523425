using Microsoft.Extensions.Options;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Signing;

/// <summary>
/// Checks the signing options when the client starts: the key is readable, a secret signing key, and the pinned one.
/// Lists every problem at once; the key is unlocked only when the client is built.
/// </summary>
internal sealed class ShareSigningOptionsValidator : IValidateOptions<ShareSigningOptions>
{
    public ValidateOptionsResult Validate(string? name, ShareSigningOptions options)
    {
        var client = $"S3S2 client '{name ?? Options.DefaultName}'";
        var errors = new List<string>();
        if (options.PinnedFingerprint is { } pinned)
        {
            var normalized = OpenPgpRecipientKeys.NormalizeFingerprint(pinned);
            if (normalized.Length != 40 || !normalized.All(Uri.IsHexDigit))
            {
                errors.Add($"{client}: pinned signing key fingerprint '{pinned}' is not 40 hex digits. Copy the fingerprint s3s2 keygen --signing printed (or gpg --fingerprint).");
            }
        }

        if (errors.Count == 0 && ManifestSigningKey.FindProblem(options) is { } problem)
        {
            errors.Add($"{client}: {problem}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
