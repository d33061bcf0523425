using Microsoft.Extensions.Options;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Queue;

/// <summary>Checks the S3 destination's options; lists every problem at once.</summary>
internal sealed class S3ShareDestinationOptionsValidator : IValidateOptions<S3ShareDestinationOptions>
{
    public ValidateOptionsResult Validate(string? name, S3ShareDestinationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var who = $"S3S2 S3 share destination '{name ?? ShareClientOptions.DefaultName}'";
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            errors.Add($"{who}: no bucket is configured. Set Bucket to where verified shares are re-uploaded.");
        }

        var sse = options.ServerSideEncryption;
        if (sse.Method != ServerSideEncryptionMethod.Kms || !sse.Required)
        {
            errors.Add($"{who}: ServerSideEncryption is {sse.Method}{(sse.Required ? string.Empty : ", not required")}. Received plaintext is stored only under SSE-KMS, required: leave ServerSideEncryption.Method = Kms and Required = true, and set ServerSideEncryption.KmsKeyId.");
        }
        else if (sse.KmsKeyId is null)
        {
            errors.Add($"{who}: no KMS key is configured. Set ServerSideEncryption.KmsKeyId to the receiver's KMS key ARN: received plaintext is stored only under SSE-KMS with a key you chose.");
        }

        ServerSideEncryptionRules.Validate(who, sse, property => "ServerSideEncryption." + property, errors);

        var prefix = options.Prefix.Trim('/');
        if (prefix.Length > 0 && ObjectKeys.FindProblem(prefix) is { } problem)
        {
            errors.Add($"{who}: prefix '{options.Prefix}' {problem}. Use segments separated by '/', for example 'processed/partners'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
