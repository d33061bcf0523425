using Microsoft.Extensions.Options;
using S3S2.Sharing;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>Turns an exception into one clear line on stderr and an exit code; details only with --verbose.</summary>
internal static class CliErrors
{
    public static int Report(Exception error, CommandRun run)
    {
        // A failed share carries its id in the message; the exit code is the cause's.
        var cause = error is ShareFailedException { InnerException: { } inner } ? inner : error;
        var (code, message) = cause switch
        {
            SharePolicyException or S3S2.Sharing.Signing.SignerRefusedException or ReceiveLimitException => (ExitCodes.PolicyRefused, error.Message),
            IntegrityException => (ExitCodes.IntegrityFailed, error.Message),
            EncryptionKeyException { IsTransient: true } => (ExitCodes.Failed, error.Message),
            EncryptionKeyException or ShareProfileException => (ExitCodes.BadInput, error.Message),
            // Keys that are not the pinned ones are refused at start now, not at the first upload; still the policy's refusal.
            OptionsValidationException validation when validation.Failures.Any(f => f.Contains("do not match the pinned fingerprints", StringComparison.Ordinal))
                => (ExitCodes.PolicyRefused, string.Join(Environment.NewLine, validation.Failures)),
            OptionsValidationException validation => (ExitCodes.BadInput, string.Join(Environment.NewLine, validation.Failures)),
            FileNotFoundException or DirectoryNotFoundException => (ExitCodes.BadInput, error.Message),
            ArgumentException or UsageException => (ExitCodes.BadInput, WithoutParameterName(error)),
            OperationCanceledException { InnerException: ShareFailedException cancelled } => (ExitCodes.Failed, "Cancelled: " + cancelled.Message),
            OperationCanceledException => (ExitCodes.Failed, "Cancelled."),
            _ => (ExitCodes.Failed, error.Message),
        };

        run.ErrorLine(message);
        if (run.Verbose)
        {
            run.Error.WriteLine(error.ToString());
        }

        return code;
    }

    /// <summary>An argument's message without the " (Parameter 'shareId')" .NET appends: the name is the API's, not a word of the command line.</summary>
    private static string WithoutParameterName(Exception error)
    {
        var suffix = error is ArgumentException { ParamName: { } name } ? $" (Parameter '{name}')" : null;
        return suffix is not null && error.Message.EndsWith(suffix, StringComparison.Ordinal) ? error.Message[..^suffix.Length] : error.Message;
    }
}
