using Microsoft.Extensions.Options;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>Checks the OpenPGP options; lists every problem at once.</summary>
internal sealed class OpenPgpEncryptionOptionsValidator : IValidateOptions<OpenPgpEncryptionOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenPgpEncryptionOptions options)
    {
        var client = $"S3S2 client '{name}'";
        var errors = new List<string>();
        if (options.RecipientKeys.Count == 0)
        {
            errors.Add($"{client}: OpenPGP encryption has no recipient key. Add the receiver's public key: o.RecipientKeys.Add(OpenPgpKeySource.FromFile(\"receiver.pub.asc\")).");
        }

        foreach (var pin in options.PinnedFingerprints)
        {
            var normalized = OpenPgpRecipientKeys.NormalizeFingerprint(pin ?? string.Empty);
            if (normalized.Length != 40 || !normalized.All(Uri.IsHexDigit))
            {
                errors.Add($"{client}: pinned fingerprint '{pin}' is not 40 hex digits. Copy the fingerprint the receiver gave you (gpg --fingerprint).");
            }
        }

        if (!Enum.IsDefined(options.Compression))
        {
            errors.Add($"{client}: OpenPGP compression '{options.Compression}' is unknown. Use None or Zlib.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
