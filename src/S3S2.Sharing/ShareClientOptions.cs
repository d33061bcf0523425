using S3S2.Sharing.Storage;

namespace S3S2.Sharing;

/// <summary>Where shares go and how many files move at once.</summary>
public sealed class ShareClientOptions
{
    /// <summary>The name of the client registered by <c>AddS3S2Sharing(...)</c> without a name.</summary>
    public const string DefaultName = "default";

    /// <summary>Gets or sets the receiver's bucket. Required with the S3 uploader; ignored by the local folder store.</summary>
    /// <value>No default.</value>
    public string? Bucket { get; set; }

    /// <summary>
    /// Gets or sets the key prefix this partner writes under (for example <c>partners/bigdatarider</c>).
    /// Leading and trailing '/' are ignored; '..', '\' and empty segments are refused.
    /// </summary>
    /// <value>
    /// Empty. With the S3 uploader an empty prefix is refused unless <see cref="AllowBucketRoot"/> is set: a misspelt
    /// configuration key leaves the prefix empty, and the shares would land at the top of the receiver's bucket.
    /// </value>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Gets or sets a value indicating whether shares may be written at the top of the bucket (an empty <see cref="Prefix"/>) on purpose.</summary>
    /// <value><see langword="false"/>.</value>
    public bool AllowBucketRoot { get; set; }

    /// <summary>Gets or sets the sender name written into each manifest.</summary>
    /// <value>The machine name.</value>
    public string SenderName { get; set; } = Environment.MachineName;

    /// <summary>Gets or sets how many files of one share are encrypted and uploaded at once.</summary>
    /// <value>2. Memory grows with this times the uploader's part buffers.</value>
    public int MaxConcurrentFiles { get; set; } = 2;

    /// <summary>
    /// Gets the server-side encryption S3 is asked for on every upload, on top of the client-side encryption, and what
    /// the share policy requires of it (configuration: <c>ServerSideEncryption:Method</c>, <c>:KmsKeyId</c>,
    /// <c>:Required</c>, <c>:AllowedKmsKeyIds:N</c>).
    /// </summary>
    /// <value>None requested and none required (the bucket's default encryption applies).</value>
    public ServerSideEncryptionOptions ServerSideEncryption { get; } = new();
}
