using System.Globalization;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Storage;

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

        PartnerSettings.Validate(who, options.Bucket, options.Partners, options.PrefixRoot, options.RequiredKmsKeyArn, options.PartnerKmsKeys, errors);
        var sse = options.ServerSideEncryption;
        ServerSideEncryptionRules.Validate(who, sse, property => "ServerSideEncryption." + property, errors);
        if (sse.Method == ServerSideEncryptionMethod.S3Managed)
        {
            errors.Add($"{who}: the generated policy demands SSE-KMS only; ServerSideEncryption.Method S3Managed is left to the bucket's default encryption. Set Method = Kms with KmsKeyId (--sse-kms-key ARN), or None.");
        }
        else if (sse.Method == ServerSideEncryptionMethod.Kms && sse.KmsKeyId is null)
        {
            errors.Add($"{who}: ServerSideEncryption.Method is Kms but no key is given; the policy must name the key uploads use. Set ServerSideEncryption.KmsKeyId to the key ARN (--sse-kms-key ARN).");
        }

        if (sse.AllowedKmsKeyIds.Count > 0)
        {
            errors.Add($"{who}: ServerSideEncryption.AllowedKmsKeyIds is not used by the bucket policy. Give the one receiver key as KmsKeyId, and partners' own keys in PartnerKmsKeys (--partner-kms-key NAME=ARN).");
        }
        if (options.ExpireDays is < 1 or > 3650)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{who}: expiry {options.ExpireDays} days must be between 1 and 3650."));
        }

        if (options.ReceiverAccountId is { } account && !(account.Length == 12 && account.All(char.IsAsciiDigit)))
        {
            errors.Add($"{who}: receiver account id '{account}' must be 12 digits.");
        }

        if (options.PartnerKmsKeys.Count > 0 && options.ReceiverAccountId is null && options.RequiredKmsKeyArn is null)
        {
            errors.Add($"{who}: partners bring their own KMS keys, so their key policies must let the receiver decrypt, but the receiver's account is unknown. Set the receiver account id (--receiver-account 123456789012) or the receiver's key (--sse-kms-key ARN).");
        }

        if (options.NotificationQueueArn is { } queue && QueueArnAccount(queue) is null)
        {
            errors.Add($"{who}: queue ARN '{queue}' is not an SQS queue ARN. Use the queue's ARN, for example arn:aws:sqs:eu-west-1:123456789012:s3s2-shares (aws sqs get-queue-attributes --attribute-names QueueArn).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The account of an SQS queue ARN (<c>arn:PARTITION:sqs:REGION:ACCOUNT:NAME</c>), or <see langword="null"/> when it is not one.</summary>
    internal static string? QueueArnAccount(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length == 6 && parts[0] == "arn" && parts[1].Length > 0 && parts[2] == "sqs" && parts[3].Length > 0
            && parts[4].Length == 12 && parts[4].All(char.IsAsciiDigit) && parts[5].Length > 0
            ? parts[4]
            : null;
    }
}
