namespace S3S2.Sharing.Queue;

/// <summary>The <c>s3</c> element of an event: the bucket and the object.</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Object">The object (its key URL-encoded).</param>
internal sealed record S3EventEntity(S3EventBucket? Bucket, S3EventObject? Object);
