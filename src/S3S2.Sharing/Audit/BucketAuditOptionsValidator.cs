using Microsoft.Extensions.Options;

namespace S3S2.Sharing.Audit;

/// <summary>Checks the audit's options; lists every problem at once.</summary>
internal sealed class BucketAuditOptionsValidator : IValidateOptions<BucketAuditOptions>
{
    public ValidateOptionsResult Validate(string? name, BucketAuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        PartnerSettings.Validate($"S3S2 bucket audit '{name ?? Options.DefaultName}'", options.Bucket, options.Partners, options.PrefixRoot, options.ExpectedKmsKeyArn, options.PartnerKmsKeys, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
