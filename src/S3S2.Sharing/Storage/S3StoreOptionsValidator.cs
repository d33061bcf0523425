using System.Globalization;
using Microsoft.Extensions.Options;

namespace S3S2.Sharing.Storage;

/// <summary>Checks the S3 uploader's options; lists every problem at once.</summary>
internal sealed class S3StoreOptionsValidator : IValidateOptions<S3StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, S3StoreOptions options)
    {
        var errors = new List<string>();
        var client = $"S3S2 client '{name}'";
        if (options.MultipartThreshold < S3StoreOptions.MinimumPartSize)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: S3 MultipartThreshold {options.MultipartThreshold} bytes is below S3's minimum part size of 5 MiB ({S3StoreOptions.MinimumPartSize}). Set it to 5 MiB or more."));
        }

        if (options.PartSize < S3StoreOptions.MinimumPartSize)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: S3 PartSize {options.PartSize} bytes is below S3's minimum part size of 5 MiB ({S3StoreOptions.MinimumPartSize}). Set it to 5 MiB or more."));
        }

        if (options.MaxConcurrentParts is < 1 or > 64)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: S3 MaxConcurrentParts {options.MaxConcurrentParts} must be between 1 and 64."));
        }

        if (options.ServiceUrl is not null && !Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out _))
        {
            errors.Add($"{client}: S3 ServiceUrl '{options.ServiceUrl}' is not an absolute URL. Use for example 'http://127.0.0.1:4568'.");
        }

        AssumedRole.Validate(client, options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
