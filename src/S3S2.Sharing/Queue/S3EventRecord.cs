namespace S3S2.Sharing.Queue;

/// <summary>One event of an S3 event notification.</summary>
/// <param name="EventSource">Always <c>aws:s3</c> for S3.</param>
/// <param name="EventName">For example <c>ObjectCreated:Put</c>.</param>
/// <param name="S3">The bucket and object.</param>
internal sealed record S3EventRecord(string? EventSource, string? EventName, S3EventEntity? S3);
