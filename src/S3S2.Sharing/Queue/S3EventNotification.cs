using System.Net;
using System.Text.Json;

namespace S3S2.Sharing.Queue;

/// <summary>Reads the body of an SQS message carrying an S3 event notification (directly or wrapped by SNS).</summary>
internal static class S3EventNotification
{
    /// <summary>The event S3 sends to a queue when a notification configuration is set.</summary>
    public const string TestEvent = "s3:TestEvent";

    /// <summary>
    /// Parses <paramref name="body"/>: returns <see langword="null"/> for the <c>s3:TestEvent</c>, else the object
    /// events with their keys URL-decoded. Throws <see cref="FormatException"/> naming what is wrong when the body is
    /// not an S3 event notification.
    /// </summary>
    public static IReadOnlyList<S3ObjectEvent>? Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var message = Deserialize(body);
        if (message.Type == "Notification" && message.Message is { } wrapped)
        {
            message = Deserialize(wrapped);
        }

        if (message.Event == TestEvent)
        {
            return null;
        }

        if (message.Records is not { Count: > 0 } records)
        {
            throw new FormatException("The message is not an S3 event notification (no 'Records' and no 's3:TestEvent'). Send only the bucket's event notifications to this queue.");
        }

        var events = new List<S3ObjectEvent>(records.Count);
        foreach (var record in records)
        {
            if (record.EventSource is not (null or "aws:s3") || record.EventName is null
                || record.S3?.Bucket?.Name is not { Length: > 0 } bucket || record.S3.Object?.Key is not { Length: > 0 } key)
            {
                throw new FormatException($"A record of the message is not an S3 object event (source '{record.EventSource}', event '{record.EventName}'); it needs eventName, s3.bucket.name and s3.object.key.");
            }

            // S3 encodes keys as an HTML form does: '%xx' escapes and '+' for a space.
            events.Add(new S3ObjectEvent(record.EventName, bucket, WebUtility.UrlDecode(key)));
        }

        return events;
    }

    private static S3EventMessage Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, S3EventJsonContext.Default.S3EventMessage)
                ?? throw new FormatException("The message body is JSON null, not an S3 event notification.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The message body is not an S3 event notification: {ex.Message}", ex);
        }
    }
}
