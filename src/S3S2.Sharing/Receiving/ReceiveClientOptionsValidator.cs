using System.Globalization;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Diagnostics;

namespace S3S2.Sharing.Receiving;

/// <summary>Checks the receive options; lists every problem at once.</summary>
internal sealed class ReceiveClientOptionsValidator : IValidateOptions<ReceiveClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ReceiveClientOptions options)
    {
        var client = $"S3S2 receive client '{name}'";
        var errors = new List<string>();
        if (options.MaxConcurrentFiles is < 1 or > 64)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: MaxConcurrentFiles {options.MaxConcurrentFiles} must be between 1 and 64."));
        }

        if (options.ReadTimeout < TimeSpan.FromSeconds(1) || options.ReadTimeout > TimeSpan.FromHours(1))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: ReadTimeout {options.ReadTimeout} must be between 1 second and 1 hour."));
        }

        if (options.MaxAttempts is < 1 or > 10)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: MaxAttempts {options.MaxAttempts} must be between 1 and 10."));
        }

        if (options.MaxFileBytes < 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: MaxFileBytes {options.MaxFileBytes} must not be negative."));
        }

        if (options.MaxShareBytes < 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: MaxShareBytes {options.MaxShareBytes} must not be negative."));
        }

        if (options.MaxFilesPerShare < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: MaxFilesPerShare {options.MaxFilesPerShare} must be at least 1."));
        }

        if (options.MaxPathDepth < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: MaxPathDepth {options.MaxPathDepth} must be at least 1."));
        }

        if (options.MaxExpansionRatio < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: MaxExpansionRatio {options.MaxExpansionRatio} must be at least 1."));
        }

        if (options.SecretKeys.Any(k => k is null))
        {
            errors.Add($"{client}: SecretKeys holds a null entry. Add keys with OpenPgpKeySource.FromFile(...) or FromArmoredString(...).");
        }

        foreach (var file in options.SecretKeyFiles.Where(f => string.IsNullOrWhiteSpace(f) || !File.Exists(f)))
        {
            errors.Add($"{client}: secret key file '{file}' (SecretKeyFiles) does not exist. Give the path of the receiver's exported secret key (gpg --export-secret-keys).");
        }

        if (options.PassphraseEnvironmentVariable is { } variable)
        {
            if (!EnvironmentVariableNames.IsName(variable))
            {
                errors.Add($"{client}: PassphraseEnvironmentVariable {EnvironmentVariableNames.NotAName}.");
            }
            else if (options.Passphrase is not null)
            {
                errors.Add($"{client}: both Passphrase and PassphraseEnvironmentVariable '{variable}' are set. Set one.");
            }
            else if (Environment.GetEnvironmentVariable(variable) is null)
            {
                errors.Add($"{client}: PassphraseEnvironmentVariable names '{variable}', which is not set in the environment. Set it to the secret key's passphrase, or remove the setting for keys without one.");
            }
        }

        if (options.TemporaryDirectory is { } temporary && !Directory.Exists(temporary))
        {
            errors.Add($"{client}: TemporaryDirectory '{temporary}' does not exist. Create it or leave it unset for the system's temporary folder.");
        }

        foreach (var key in options.AllowedKmsKeyIds.Where(k => !Encryption.Kms.KmsKeyArn.IsKeyArn(k)))
        {
            errors.Add($"{client}: allowed KMS key '{key}' is not a key ARN. Use the full key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not a key id or alias.");
        }

        foreach (var account in options.AllowedKmsAccountIds.Where(a => !Encryption.Kms.KmsKeyArn.IsAccountId(a)))
        {
            errors.Add($"{client}: allowed KMS account '{account}' is not an AWS account id (12 digits).");
        }

        if (options.KmsPartition is not ("aws" or "aws-cn" or "aws-us-gov" or "aws-iso" or "aws-iso-b" or "aws-iso-e" or "aws-iso-f" or "aws-eusc"))
        {
            errors.Add($"{client}: KmsPartition '{options.KmsPartition}' is not an AWS partition (aws, aws-cn, aws-us-gov...).");
        }

        foreach (var (pin, index) in options.PinnedSigners.Select((p, i) => (p, i)))
        {
            if (Signing.SignerPin.FindProblem(pin) is { } problem)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: PinnedSigners:{index} '{pin}' {problem}. Give FINGERPRINT or PREFIX=FINGERPRINT (CLI: --require-signer)."));
            }
        }

        if (options.RequireSignedShares && options.PinnedSigners.Count == 0)
        {
            errors.Add($"{client}: RequireSignedShares is set but PinnedSigners is empty, so every share would be refused. Pin each partner's signing key fingerprint (PinnedSigners, CLI: --require-signer [PREFIX=]FINGERPRINT).");
        }
        else if (!options.RequireSignedShares && options.PinnedSigners.Count > 0)
        {
            errors.Add($"{client}: PinnedSigners are set but RequireSignedShares is false, so an unsigned share would still be received and the pins would protect nothing. Set RequireSignedShares = true.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
