namespace S3S2.Sharing.Audit;

/// <summary>What the bucket audit checks against: the bucket, its partners and the key it expects.</summary>
public sealed class BucketAuditOptions
{
    /// <summary>The default prefix root partners write under (<c>partners/&lt;name&gt;/</c>).</summary>
    public const string DefaultPrefixRoot = "partners";

    /// <summary>Gets or sets the bucket to audit.</summary>
    /// <value>Required.</value>
    public string? Bucket { get; set; }

    /// <summary>Gets the partners: name → AWS principal ARN (a role, user or account root, or a 12-digit account id).</summary>
    /// <value>Empty: the matrix covers only anonymous callers and an unrelated account.</value>
    public IDictionary<string, string> Partners { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the prefix under which each partner has <c>&lt;root&gt;/&lt;name&gt;/</c>.</summary>
    /// <value><c>partners</c>.</value>
    public string PrefixRoot { get; set; } = DefaultPrefixRoot;

    /// <summary>Gets or sets the KMS key ARN the bucket's default encryption and the partners' SSE-KMS uploads must use.</summary>
    /// <value><see langword="null"/>: any SSE-KMS key is accepted as default encryption, and uploads are not required to name a key.</value>
    public string? ExpectedKmsKeyArn { get; set; }

    /// <summary>Gets the partners that bring their own KMS key for SSE-KMS: name → key ARN (overrides <see cref="ExpectedKmsKeyArn"/> for them).</summary>
    public IDictionary<string, string> PartnerKmsKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
