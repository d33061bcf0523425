using System.Globalization;
using Microsoft.Extensions.Options;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>Checks the KMS envelope options; lists every problem at once.</summary>
internal sealed class KmsEnvelopeEncryptionOptionsValidator : IValidateOptions<KmsEnvelopeEncryptionOptions>
{
    public ValidateOptionsResult Validate(string? name, KmsEnvelopeEncryptionOptions options)
    {
        var client = $"S3S2 client '{name}'";
        var errors = new List<string>();
        if (options.KeyIds.Count == 0)
        {
            errors.Add($"{client}: KMS envelope encryption has no KMS key. Add the key ARN the receiver gave you: o.KeyIds.Add(\"arn:aws:kms:REGION:ACCOUNT:key/ID\").");
        }

        foreach (var keyId in options.KeyIds)
        {
            if (!KmsKeyArn.IsKeyArn(keyId))
            {
                errors.Add($"{client}: KMS key '{keyId}' is not a key ARN. Use the full key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not a key id or alias: the share policy checks messages against it.");
            }
        }

        if (options.KeyIds.Distinct(StringComparer.Ordinal).Count() != options.KeyIds.Count)
        {
            errors.Add($"{client}: a KMS key is listed twice in KeyIds. List each key once.");
        }

        // One client calls one region (the first key's, or Region): a key elsewhere would fail at the first share, not here.
        var regions = options.KeyIds.Select(KmsKeyArn.RegionOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (options.ServiceUrl is null && regions.Count > 1)
        {
            errors.Add($"{client}: the KMS keys are in {regions.Count} regions ({string.Join(", ", regions)}), but a share calls KMS in one region. Use keys of one region (for a multi-Region key, its replica in that region).");
        }

        if (!Enum.IsDefined(options.AlgorithmSuite))
        {
            errors.Add($"{client}: algorithm suite '{options.AlgorithmSuite}' is unknown. Use AesGcm256HkdfSha512Commit (0x0478) or AesGcm256HkdfSha512CommitEcdsaP384 (0x0578).");
        }

        if (options.FrameLength is < EsdkFormat.MinFrameLength or > EsdkFormat.MaxFrameLength)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: FrameLength {options.FrameLength} must be between {EsdkFormat.MinFrameLength} and {EsdkFormat.MaxFrameLength} bytes (default 65536)."));
        }

        if (options.MaxMessagesPerDataKey is < 1 or > 1L << 32)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: MaxMessagesPerDataKey {options.MaxMessagesPerDataKey} must be between 1 (a data key per message) and 4294967296 (default 10000)."));
        }

        if (options.MaxBytesPerDataKey < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: MaxBytesPerDataKey {options.MaxBytesPerDataKey} must be at least 1 (default 64 GiB)."));
        }

        if (options.MaxDataKeyAge < TimeSpan.FromSeconds(1) || options.MaxDataKeyAge > TimeSpan.FromDays(1))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: MaxDataKeyAge {options.MaxDataKeyAge} must be between 1 second and 1 day (default 5 minutes)."));
        }

        foreach (var key in options.EncryptionContext.Keys)
        {
            if (key.StartsWith("s3s2:", StringComparison.Ordinal) || key.StartsWith(EsdkFormat.ReservedContextPrefix, StringComparison.Ordinal))
            {
                errors.Add($"{client}: encryption context key '{key}' is reserved (prefixes 's3s2:' and 'aws-crypto-'). Rename it.");
            }
            else if (key.Length == 0)
            {
                errors.Add($"{client}: an encryption context key is empty. Give each pair a name.");
            }
        }

        if (options.ServiceUrl is not null && !Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out _))
        {
            errors.Add($"{client}: KMS ServiceUrl '{options.ServiceUrl}' is not an absolute URL (for example https://kms.eu-west-1.amazonaws.com).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

}
