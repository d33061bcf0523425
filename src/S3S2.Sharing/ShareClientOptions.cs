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
    /// <value>Empty: shares are written at the top of the bucket or folder.</value>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Gets or sets the sender name written into each manifest.</summary>
    /// <value>The machine name.</value>
    public string SenderName { get; set; } = Environment.MachineName;

    /// <summary>Gets or sets how many files of one share are encrypted and uploaded at once.</summary>
    /// <value>2. Memory grows with this times the uploader's part buffers.</value>
    public int MaxConcurrentFiles { get; set; } = 2;
}
