namespace S3S2.Sharing.Audit;

/// <summary>
/// Audits the receiver's bucket: the bucket-level controls of AWS Security Hub's S3 set that apply to a partner drop
/// bucket, and the bucket policy as an access matrix per partner. Read-only: it never changes the bucket.
/// </summary>
public interface IBucketAuditor
{
    /// <summary>Reads the bucket's configuration and reports what is wrong; an API the endpoint lacks or the caller may not call is a finding, not an exception.</summary>
    /// <param name="cancellationToken">Cancels the audit.</param>
    /// <returns>The report.</returns>
    /// <exception cref="Amazon.S3.AmazonS3Exception">The bucket does not exist or cannot be reached at all.</exception>
    Task<BucketAuditReport> AuditAsync(CancellationToken cancellationToken = default);
}
