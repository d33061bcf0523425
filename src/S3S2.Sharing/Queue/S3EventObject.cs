namespace S3S2.Sharing.Queue;

/// <summary>The object an event names.</summary>
/// <param name="Key">The object key, URL-encoded as in an HTML form ('+' for a space).</param>
/// <param name="Size">The object size in bytes.</param>
internal sealed record S3EventObject(string? Key, long? Size);
