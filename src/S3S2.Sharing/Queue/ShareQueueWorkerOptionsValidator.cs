using System.Globalization;
using Microsoft.Extensions.Options;

namespace S3S2.Sharing.Queue;

/// <summary>Checks the worker's options; lists every problem at once.</summary>
internal sealed class ShareQueueWorkerOptionsValidator : IValidateOptions<ShareQueueWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, ShareQueueWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var who = $"S3S2 share queue worker '{name ?? ShareClientOptions.DefaultName}'";
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.QueueUrl))
        {
            errors.Add($"{who}: no queue is configured. Set QueueUrl to the SQS queue the bucket notifies (CLI: --queue-url URL).");
        }
        else if (!IsHttpUrl(options.QueueUrl))
        {
            errors.Add($"{who}: queue URL '{options.QueueUrl}' is not an http(s) URL. Use the queue's URL, for example https://sqs.eu-west-1.amazonaws.com/123456789012/s3s2-shares.");
        }

        if (options.ServiceUrl is { } serviceUrl && !IsHttpUrl(serviceUrl))
        {
            errors.Add($"{who}: SQS endpoint '{serviceUrl}' is not an http(s) URL.");
        }

        if (string.IsNullOrWhiteSpace(options.OutputDirectory))
        {
            errors.Add($"{who}: no output folder is configured. Set OutputDirectory (CLI: --out DIR).");
        }

        if (options.MaxConcurrentShares is < 1 or > 256)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{who}: MaxConcurrentShares {options.MaxConcurrentShares} must be between 1 and 256."));
        }

        Check(errors, who, nameof(options.VisibilityTimeout), options.VisibilityTimeout, TimeSpan.FromSeconds(3), TimeSpan.FromHours(12));
        Check(errors, who, nameof(options.RetryDelay), options.RetryDelay, TimeSpan.Zero, TimeSpan.FromHours(12));
        Check(errors, who, nameof(options.WaitTime), options.WaitTime, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        Check(errors, who, nameof(options.StopTimeout), options.StopTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        if (options.ProgressInterval is { } interval && (interval < TimeSpan.Zero || interval > TimeSpan.FromHours(1)))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{who}: ProgressInterval {interval} must be between 0 and 1 hour, or null for no progress lines."));
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static void Check(List<string> errors, string who, string option, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        // SQS counts these in whole seconds.
        if (value < min || value > max || value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{who}: {option} {value} must be whole seconds between {min} and {max}."));
        }
    }
}
