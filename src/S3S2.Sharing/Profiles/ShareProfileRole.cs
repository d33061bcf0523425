namespace S3S2.Sharing.Profiles;

/// <summary>
/// The IAM role a profile tells the partner to assume for uploads: the usual way a receiver lets another account write
/// to its bucket. The partner's own credentials call STS AssumeRole; the role's temporary credentials sign the uploads.
/// </summary>
public sealed class ShareProfileRole
{
    /// <summary>Gets or sets the role's ARN (<c>arn:aws:iam::111122223333:role/BigDataRider</c>).</summary>
    public string RoleArn { get; set; } = string.Empty;

    /// <summary>Gets or sets the external id the role's trust policy requires, or <see langword="null"/>.</summary>
    public string? ExternalId { get; set; }

    /// <summary>Gets or sets the session name the receiver sees in CloudTrail, or <see langword="null"/> for <c>s3s2-share</c>.</summary>
    public string? SessionName { get; set; }
}
