namespace S3S2.Sharing.Queue;

/// <summary>The body of an S3 event notification as SQS carries it: records of events, or the <c>s3:TestEvent</c> S3 sends when the configuration is set.</summary>
/// <param name="Records">The events; <see langword="null"/> in a test event.</param>
/// <param name="Event">The test event's name (<c>s3:TestEvent</c>); <see langword="null"/> in an event message.</param>
/// <param name="Type">Set to <c>Notification</c> when the message came through SNS, which wraps the S3 body in <paramref name="Message"/>.</param>
/// <param name="Message">The wrapped S3 body of an SNS notification.</param>
internal sealed record S3EventMessage(IReadOnlyList<S3EventRecord>? Records, string? Event, string? Type, string? Message);
