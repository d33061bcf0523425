using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Audit.Generation;

/// <summary>What <see cref="BucketPolicyGenerator"/> writes the bucket policy, lifecycle and partner policies from.</summary>
public sealed class BucketPolicyOptions
{
    /// <summary>Gets or sets the receiver's bucket.</summary>
    /// <value>Required.</value>
    public string? Bucket { get; set; }

    /// <summary>Gets the partners: name → AWS principal ARN (role, user, account root) or 12-digit account id. Each may write only under <c>&lt;root&gt;/&lt;name&gt;/</c>.</summary>
    /// <value>At least one is required.</value>
    public IDictionary<string, string> Partners { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the prefix root.</summary>
    /// <value><c>partners</c>.</value>
    public string PrefixRoot { get; set; } = BucketAuditOptions.DefaultPrefixRoot;

    /// <summary>
    /// Gets the server-side encryption the bucket policy demands of every upload. A bucket policy can only deny, so what
    /// it writes is a requirement: with <see cref="ServerSideEncryptionMethod.Kms"/> and <see cref="ServerSideEncryptionOptions.KmsKeyId"/>
    /// (the receiver's key ARN), every PUT without SSE-KMS or naming another key is denied. SSE-S3 is not demanded by the
    /// generated policy (use the bucket's default encryption), so only None or Kms is accepted.
    /// </summary>
    /// <value>None: uploads are not required to use SSE-KMS (except partners in <see cref="PartnerKmsKeys"/>).</value>
    public ServerSideEncryptionOptions ServerSideEncryption { get; } = new();

    /// <summary>The receiver's key every upload must name, or <see langword="null"/>.</summary>
    internal string? RequiredKmsKeyArn => ServerSideEncryption.Method == ServerSideEncryptionMethod.Kms ? ServerSideEncryption.KmsKeyId : null;

    /// <summary>Gets the partners that bring their own KMS key: name → key ARN. Their uploads must name that key instead.</summary>
    public IDictionary<string, string> PartnerKmsKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets after how many days shared objects (and old versions) under the root expire.</summary>
    /// <value>30; between 1 and 3650.</value>
    public int ExpireDays { get; set; } = 30;

    /// <summary>Gets or sets the receiver's AWS account id, named in the key-policy statement a partner adds to its own key.</summary>
    /// <value><see langword="null"/>: the account of the <see cref="ServerSideEncryption"/> key; required when partners bring their own keys and no key is given.</value>
    public string? ReceiverAccountId { get; set; }

    /// <summary>
    /// Gets or sets the ARN of the SQS queue the share queue workers read (for example
    /// <c>arn:aws:sqs:eu-west-1:123456789012:s3s2-shares</c>). When set, the bucket's event notification configuration
    /// (new manifests under the root, by suffix) and the queue policy that lets the bucket send to it are written too.
    /// </summary>
    /// <value><see langword="null"/>: no notification configuration.</value>
    public string? NotificationQueueArn { get; set; }
}
