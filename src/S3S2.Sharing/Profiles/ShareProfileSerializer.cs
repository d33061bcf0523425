using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Profiles;

/// <summary>
/// Reads and writes profiles. Reading checks every field and lists all problems at once
/// (<see cref="ShareProfileException"/>); an embedded key whose fingerprint differs from its pin is a policy
/// refusal (<see cref="SharePolicyException"/>): the profile was altered or corrupted.
/// </summary>
public static partial class ShareProfileSerializer
{
    /// <summary>Writes a profile as indented JSON.</summary>
    /// <param name="profile">The profile.</param>
    /// <param name="destination">Receives UTF-8 JSON; left open.</param>
    public static void Write(ShareProfile profile, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(destination);
        JsonSerializer.Serialize(destination, profile, ShareProfileJsonContext.Default.ShareProfile);
    }

    /// <summary>Reads a profile file and checks it.</summary>
    /// <param name="path">The profile file.</param>
    /// <returns>The checked profile.</returns>
    public static ShareProfile Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            using var stream = File.OpenRead(path);
            return Read(stream, $"profile '{path}'", DateTimeOffset.UtcNow);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ShareProfileException($"Cannot read the profile '{path}': {ex.Message} Check the path (or S3S2_PROFILE) and its permissions.", ex);
        }
    }

    /// <summary>Reads a profile from a stream and checks it.</summary>
    /// <param name="stream">UTF-8 JSON.</param>
    /// <returns>The checked profile.</returns>
    public static ShareProfile Read(Stream stream) => Read(stream, DateTimeOffset.UtcNow);

    /// <summary>Reads a profile from a stream and checks it against the given time (for expiry).</summary>
    internal static ShareProfile Read(Stream stream, DateTimeOffset utcNow)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Read(stream, "profile", utcNow);
    }

    private static ShareProfile Read(Stream stream, string name, DateTimeOffset utcNow)
    {
        ShareProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(stream, ShareProfileJsonContext.Default.ShareProfile);
        }
        catch (JsonException ex)
        {
            throw new ShareProfileException($"The {name} is not valid profile JSON ({ex.Message}). Ask the receiver for the file made by 's3s2 init'.", ex);
        }

        if (profile is null)
        {
            throw new ShareProfileException($"The {name} is empty. Ask the receiver for the file made by 's3s2 init'.");
        }

        Check(profile, name, utcNow);
        return profile;
    }

    private static void Check(ShareProfile profile, string name, DateTimeOffset utcNow)
    {
        if (profile.FormatVersion > ShareProfile.CurrentFormatVersion)
        {
            throw new ShareProfileException(string.Create(CultureInfo.InvariantCulture,
                $"The {name} has format version {profile.FormatVersion}, newer than this library reads ({ShareProfile.CurrentFormatVersion}). Update S3S2.Sharing (or the s3s2 tool)."));
        }

        var errors = new List<string>();
        if (profile.FormatVersion < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"formatVersion {profile.FormatVersion} is not a profile version; expected {ShareProfile.CurrentFormatVersion}"));
        }

        if (!BucketName().IsMatch(profile.Bucket ?? string.Empty))
        {
            errors.Add($"bucket '{profile.Bucket}' is not a valid S3 bucket name (3-63 lower-case letters, digits, '.' or '-')");
        }

        if (profile.Region is not null && !RegionName().IsMatch(profile.Region))
        {
            errors.Add($"region '{profile.Region}' is not an AWS region name (for example 'eu-west-1')");
        }

        if (profile.ServiceUrl is not null && !Uri.TryCreate(profile.ServiceUrl, UriKind.Absolute, out _))
        {
            errors.Add($"serviceUrl '{profile.ServiceUrl}' is not an absolute URL");
        }

        var prefix = profile.Prefix ?? string.Empty;
        if (prefix.Trim('/').Length > 0 && ObjectKeys.FindProblem(prefix.Trim('/')) is { } prefixProblem)
        {
            errors.Add($"prefix '{profile.Prefix}' {prefixProblem}");
        }

        if (profile.ExpireDays is <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"expireDays {profile.ExpireDays} must be positive, or left out for no expiry"));
        }
        else if (profile.ExpireDays is { } days && profile.CreatedUtc.AddDays(days) <= utcNow)
        {
            errors.Add($"the profile expired on {profile.CreatedUtc.AddDays(days):yyyy-MM-dd}; ask the receiver for a new one");
        }

        if (profile.SigningKeyFingerprint is { } signer && OpenPgpRecipientKeys.NormalizeFingerprint(signer) is var normalized && (normalized.Length != 40 || !normalized.All(Uri.IsHexDigit)))
        {
            errors.Add($"signingKeyFingerprint '{signer}' is not 40 hex digits");
        }

        if (profile.LegacyRequiredSseKmsKeyId is { } legacy)
        {
            if (string.IsNullOrWhiteSpace(legacy))
            {
                errors.Add("requiredSseKmsKeyId is blank; give a KMS key ARN or leave it out");
            }
            else if (profile.ServerSideEncryption is not null)
            {
                errors.Add("the profile has both requiredSseKmsKeyId (the older form) and serverSideEncryption; keep serverSideEncryption");
            }
            else
            {
                // The older form meant exactly this; from here on the profile has one form only.
                profile.ServerSideEncryption = new ServerSideEncryptionOptions { Method = ServerSideEncryptionMethod.Kms, KmsKeyId = legacy, Required = true };
            }

            profile.LegacyRequiredSseKmsKeyId = null;
        }

        if (profile.ServerSideEncryption is { Required: true, Method: ServerSideEncryptionMethod.Kms, KmsKeyId: { } requiredKey, AllowedKmsKeyIds.Count: 0 } required)
        {
            // A required key is the only one allowed unless the receiver listed others: a partner's setting cannot swap it.
            required.AllowedKmsKeyIds.Add(requiredKey);
        }

        if (profile.ServerSideEncryption is { } sse)
        {
            var sseErrors = new List<string>();
            ServerSideEncryptionRules.Validate("serverSideEncryption", sse, property => "serverSideEncryption." + char.ToLowerInvariant(property[0]) + property[1..], sseErrors);
            errors.AddRange(sseErrors.Select(error => error["serverSideEncryption: ".Length..].TrimEnd('.')));
        }

        if (profile.AssumeRole is { } role && !AssumedRole.IsRoleArn(role.RoleArn))
        {
            errors.Add($"assumeRole.roleArn '{role.RoleArn}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME); ask the receiver for the role's ARN");
        }

        if (profile.AssumeRole is { ExternalId: { } externalId } && !AssumedRole.IsExternalId(externalId))
        {
            // Not echoed: the external id is the receiver's shared secret with this partner.
            errors.Add("assumeRole.externalId must be 2 to 1224 characters of letters, digits and +=,.@:/-; ask the receiver for the external id");
        }

        if (profile.AssumeRole is { SessionName: { } sessionName } && !AssumedRole.IsSessionName(sessionName))
        {
            errors.Add($"assumeRole.sessionName '{sessionName}' must be 2 to 64 characters of letters, digits and +=,.@-");
        }

        var encryption = profile.Encryption ?? new ShareProfileEncryption();
        switch (encryption.Mode)
        {
            case ShareProfileEncryption.OpenPgpMode:
                CheckOpenPgp(encryption, errors);
                break;
            case ShareProfileEncryption.KmsEnvelopeMode:
                if (encryption.KmsKeyIds.Count == 0 || encryption.KmsKeyIds.Any(id => !Encryption.Kms.KmsKeyArn.IsKeyArn(id)))
                {
                    errors.Add("encryption.kmsKeyIds must list KMS key ARNs (arn:aws:kms:REGION:ACCOUNT:key/ID)");
                }

                break;
            default:
                errors.Add($"encryption.mode '{encryption.Mode}' is unknown; expected '{ShareProfileEncryption.OpenPgpMode}' or '{ShareProfileEncryption.KmsEnvelopeMode}'");
                break;
        }

        if (errors.Count > 0)
        {
            throw new ShareProfileException($"The {name} cannot be used: {string.Join("; ", errors)}.");
        }

        // Last, once the shape is right: the embedded keys must be the pinned ones.
        if (encryption.Mode == ShareProfileEncryption.OpenPgpMode)
        {
            foreach (var key in encryption.OpenPgpKeys)
            {
                var actual = OpenPgpRecipientKeys.Load([OpenPgpKeySource.FromArmoredString(key.PublicKey)], utcNow.UtcDateTime);
                var pinned = OpenPgpRecipientKeys.NormalizeFingerprint(key.Fingerprint);
                if (actual.Count != 1 || actual[0].Fingerprint != pinned)
                {
                    throw new SharePolicyException(
                        $"The {name} embeds a key with fingerprint [{string.Join(", ", actual.Select(r => r.Fingerprint))}] where it pins {pinned}: the profile was altered or corrupted. Nothing was shared; ask the receiver for a new profile.");
                }
            }
        }
    }

    private static void CheckOpenPgp(ShareProfileEncryption encryption, List<string> errors)
    {
        if (encryption.OpenPgpKeys.Count == 0)
        {
            errors.Add("encryption.openPgpKeys is empty; the receiver's public key is needed");
        }

        foreach (var key in encryption.OpenPgpKeys)
        {
            var pinned = OpenPgpRecipientKeys.NormalizeFingerprint(key.Fingerprint ?? string.Empty);
            if (pinned.Length != 40 || !pinned.All(Uri.IsHexDigit))
            {
                errors.Add($"fingerprint '{key.Fingerprint}' is not 40 hex digits");
            }

            if (string.IsNullOrWhiteSpace(key.PublicKey) || !key.PublicKey.Contains("BEGIN PGP PUBLIC KEY BLOCK", StringComparison.Ordinal))
            {
                errors.Add($"the key pinned as '{key.Fingerprint}' has no armored public key");
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionName();
}
