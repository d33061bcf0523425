namespace S3S2.Sharing.Queue;

/// <summary>The bucket an event names.</summary>
/// <param name="Name">The bucket name.</param>
internal sealed record S3EventBucket(string? Name);
