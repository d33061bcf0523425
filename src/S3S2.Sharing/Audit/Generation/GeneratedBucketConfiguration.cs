namespace S3S2.Sharing.Audit.Generation;

/// <summary>The JSON documents that make each partner write-only to its own prefix.</summary>
public sealed class GeneratedBucketConfiguration
{
    /// <summary>Gets the bucket policy, for <c>aws s3api put-bucket-policy --policy file://...</c>.</summary>
    public required string BucketPolicy { get; init; }

    /// <summary>Gets the lifecycle configuration, for <c>aws s3api put-bucket-lifecycle-configuration --lifecycle-configuration file://...</c>.</summary>
    public required string LifecycleConfiguration { get; init; }

    /// <summary>Gets each partner's IAM policy (name → JSON), which the partner attaches to its principal in its own account.</summary>
    public required IReadOnlyDictionary<string, string> PartnerPolicies { get; init; }

    /// <summary>Gets, per partner using the receiver's key, the statement (JSON) the receiver adds to its KMS key policy so the partner can use the key for SSE-KMS.</summary>
    public required IReadOnlyDictionary<string, string> ReceiverKeyPolicyStatements { get; init; }

    /// <summary>Gets, per partner bringing its own key, the statement (JSON) the partner adds to that key's policy so the receiver can decrypt.</summary>
    public required IReadOnlyDictionary<string, string> PartnerKeyPolicyStatements { get; init; }

    /// <summary>
    /// Gets the bucket's event notification configuration sending every new manifest under the root
    /// (<c>.manifest.json.gpg</c>, <c>.manifest.json.encrypted</c>) to the queue, for
    /// <c>aws s3api put-bucket-notification-configuration --notification-configuration file://...</c>;
    /// <see langword="null"/> without <see cref="BucketPolicyOptions.NotificationQueueArn"/>.
    /// </summary>
    public string? NotificationConfiguration { get; init; }

    /// <summary>
    /// Gets the queue policy letting only this bucket (aws:SourceArn, aws:SourceAccount) send to the queue, for
    /// <c>aws sqs set-queue-attributes --attributes Policy=...</c>; <see langword="null"/> without
    /// <see cref="BucketPolicyOptions.NotificationQueueArn"/>.
    /// </summary>
    public string? QueuePolicy { get; init; }
}
