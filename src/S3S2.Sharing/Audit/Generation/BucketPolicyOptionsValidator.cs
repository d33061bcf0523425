using System.Globalization;
using Microsoft.Extensions.Options;

namespace S3S2.Sharing.Audit.Generation;

/// <summary>Checks the generator's options; lists every problem at once.</summary>
internal sealed class BucketPolicyOptionsValidator : IValidateOptions<BucketPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, BucketPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string who = "S3S2 bucket policy";
        var errors = new List<string>();
        if (options.Partners.Count == 0)
        {
            errors.Add($"{who}: no partner is given. Add at least one (--partner NAME=ARN).");
        }

        PartnerSettings.Validate(who, options.Bucket, options.Partners, options.PrefixRoot, options.SseKmsKeyArn, options.PartnerKmsKeys, errors);
        if (options.ExpireDays is < 1 or > 3650)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{who}: expiry {options.ExpireDays} days must be between 1 and 3650."));
        }

        if (options.ReceiverAccountId is { } account && !(account.Length == 12 && account.All(char.IsAsciiDigit)))
        {
            errors.Add($"{who}: receiver account id '{account}' must be 12 digits.");
        }

        if (options.PartnerKmsKeys.Count > 0 && options.ReceiverAccountId is null && options.SseKmsKeyArn is null)
        {
            errors.Add($"{who}: partners bring their own KMS keys, so their key policies must let the receiver decrypt, but the receiver's account is unknown. Set the receiver account id (--receiver-account 123456789012) or the receiver's key (--sse-kms-key ARN).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
