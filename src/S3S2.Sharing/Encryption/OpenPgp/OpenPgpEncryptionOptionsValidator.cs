using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using S3S2.Sharing.DependencyInjection;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Checks the OpenPGP options; lists every problem at once. Pinned fingerprints are checked against the recipient key
/// files here, when the client starts (ValidateOnStart), not at the first upload.
/// </summary>
internal sealed class OpenPgpEncryptionOptionsValidator(IServiceProvider services) : IValidateOptions<OpenPgpEncryptionOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenPgpEncryptionOptions options)
    {
        name ??= Options.DefaultName;
        var client = $"S3S2 client '{name}'";
        var registration = services.GetService<IOptionsMonitor<ShareClientRegistration>>()?.Get(name);
        string Key(string relativeKey, string optionName) => registration?.KeyOf(relativeKey, optionName) ?? optionName;
        var errors = new List<string>();
        if (options.RecipientKeys.Count == 0)
        {
            errors.Add($"{client}: OpenPGP encryption has no recipient key. Add the receiver's public key: o.RecipientKeys.Add(OpenPgpKeySource.FromFile(\"receiver.pub.asc\")).");
        }

        var pinsWellFormed = true;
        foreach (var (pin, index) in options.PinnedFingerprints.Select((p, i) => (p, i)))
        {
            var normalized = OpenPgpRecipientKeys.NormalizeFingerprint(pin ?? string.Empty);
            if (normalized.Length != 40 || !normalized.All(char.IsAsciiHexDigit))
            {
                pinsWellFormed = false;
                var key = registration?.ConfigurationPath is null ? "pinned fingerprint" : Key($"OpenPgp:PinnedFingerprints:{index}", "pinned fingerprint");
                errors.Add($"{client}: {key} '{pin}' is not 40 hex digits. Copy the fingerprint the receiver gave you (gpg --fingerprint).");
            }
        }

        if (!Enum.IsDefined(options.Compression))
        {
            errors.Add($"{client}: {Key("OpenPgp:Compression", "OpenPGP compression")} '{options.Compression}' is unknown. Use None or Zlib.");
        }

        if (options.CompressionLevel is < 1 or > 9)
        {
            errors.Add($"{client}: {Key("OpenPgp:CompressionLevel", "OpenPGP compression level")} {options.CompressionLevel} is out of range. Use 1 (fastest) to 9 (smallest); {OpenPgpEncryptionOptions.DefaultCompressionLevel} is the default.");
        }

        if (pinsWellFormed && options.PinnedFingerprints.Count > 0 && options.RecipientKeys.Count > 0)
        {
            CheckPins(client, options, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The recipients' fingerprints must be exactly the pinned set; the policy refuses every upload otherwise, so say so now.</summary>
    private void CheckPins(string client, OpenPgpEncryptionOptions options, List<string> errors)
    {
        IReadOnlyList<OpenPgpRecipient> recipients;
        try
        {
            recipients = OpenPgpRecipientKeys.Load(options.RecipientKeys, (services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow().UtcDateTime);
        }
        catch (EncryptionKeyException ex)
        {
            errors.Add($"{client}: {ex.Message}");
            return;
        }

        var pins = options.PinnedFingerprints.Select(OpenPgpRecipientKeys.NormalizeFingerprint).ToHashSet(StringComparer.Ordinal);
        var actual = recipients.Select(r => r.Fingerprint).ToHashSet(StringComparer.Ordinal);
        if (!pins.SetEquals(actual))
        {
            errors.Add(
                $"{client}: the recipient key fingerprints [{string.Join(", ", actual.Order(StringComparer.Ordinal))}] (from {string.Join(", ", options.RecipientKeys.Select(k => k.Description))}) "
                + $"do not match the pinned fingerprints [{string.Join(", ", pins.Order(StringComparer.Ordinal))}], so every upload would be refused. Use the public key the receiver pinned, or get a new profile from the receiver.");
        }
    }
}
