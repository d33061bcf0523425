using System.Globalization;
using Microsoft.Extensions.Options;

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

        if (options.SecretKeys.Any(k => k is null))
        {
            errors.Add($"{client}: SecretKeys holds a null entry. Add keys with OpenPgpKeySource.FromFile(...) or FromArmoredString(...).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
