namespace S3S2.Sharing;

/// <summary>What a share carries besides its files: travels inside the encrypted manifest, so only the receiver reads it.</summary>
public sealed class ShareSessionOptions
{
    /// <summary>The most labels one share may carry.</summary>
    public const int MaxLabels = 64;

    /// <summary>The longest label name, and the longest idempotency key, in characters.</summary>
    public const int MaxNameLength = 128;

    /// <summary>The longest label value in characters.</summary>
    public const int MaxValueLength = 1024;

    /// <summary>Gets free-form labels for the receiver (for example <c>dataset=orders</c>, <c>run=2026-11-30</c>).</summary>
    /// <value>Empty. Names are non-empty, at most 128 characters; values at most 1024; at most 64 labels.</value>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets a key the sender gives every attempt of the same logical share (for example the ETL run id), so the
    /// receiver can recognize a share sent twice after a retry.
    /// </summary>
    /// <value><see langword="null"/>: none. At most 128 characters.</value>
    public string? IdempotencyKey { get; set; }
}
