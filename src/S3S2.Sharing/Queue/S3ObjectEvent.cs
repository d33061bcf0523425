namespace S3S2.Sharing.Queue;

/// <summary>One object event of a notification, decoded.</summary>
/// <param name="EventName">For example <c>ObjectCreated:Put</c>.</param>
/// <param name="Bucket">The bucket.</param>
/// <param name="Key">The object key, URL-decoded.</param>
internal sealed record S3ObjectEvent(string EventName, string Bucket, string Key)
{
    /// <summary>Gets a value indicating whether an object was written (put, copied, completed multipart).</summary>
    public bool IsObjectCreated => EventName.StartsWith("ObjectCreated:", StringComparison.Ordinal);
}
