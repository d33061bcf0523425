using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Moq;
using S3S2.Sharing.Audit;

namespace S3S2.Sharing.Tests.Audit;

/// <summary>Error paths no local server produces: every read API denied, not implemented, or throttled.</summary>
[TestFixture]
public sealed class BucketAuditorErrorTests
{
    private static readonly string[] BucketControls = ["S3.8", "S3.2", "S3.5", "access-matrix", "S3.9", "S3.12", "S3.13", "S3.14", "S3.17"];

    [TestCase("AccessDenied", HttpStatusCode.Forbidden, "access denied (AccessDenied)")]
    [TestCase("NotImplemented", HttpStatusCode.NotImplemented, "the endpoint does not implement it (501 NotImplemented)")]
    [TestCase("MethodNotAllowed", HttpStatusCode.MethodNotAllowed, "the endpoint does not implement it (405 MethodNotAllowed)")]
    [TestCase("SlowDown", HttpStatusCode.ServiceUnavailable, "throttled (503 SlowDown)")]
    public async Task AuditAsync_EveryApiFails_CouldNotCheckWarningsNotACrash(string code, HttpStatusCode status, string reason)
    {
        var s3 = Failing(new AmazonS3Exception("refused", Amazon.Runtime.ErrorType.Sender, code, "req", status));
        using var auditor = new BucketAuditor(s3.Object, ownsClient: false, Options());

        var report = await auditor.AuditAsync();

        var couldNot = report.Findings.Where(f => f.Title.StartsWith("Could not check", StringComparison.Ordinal)).ToList();
        Assert.That(couldNot.Where(f => f.Severity == FindingSeverity.Warning).Select(f => f.Control), Is.EquivalentTo(BucketControls));
        Assert.That(couldNot.Where(f => f.Severity == FindingSeverity.Informational).Select(f => f.Control), Is.EquivalentTo(new[] { "S3.1", "S3.15", "notifications" }));
        Assert.That(couldNot.Single(f => f.Control == "S3.8").Evidence, Does.StartWith(reason));
        Assert.That(report.PassedControls, Is.Empty);
        Assert.That(report.HasWarningsOrWorse, Is.True);
        s3.Verify(c => c.PutBucketPolicyAsync(It.IsAny<PutBucketPolicyRequest>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task AuditAsync_AccessDenied_NamesThePermissionToGrant()
    {
        var s3 = Failing(new AmazonS3Exception("denied", Amazon.Runtime.ErrorType.Sender, "AccessDenied", "req", HttpStatusCode.Forbidden));
        using var auditor = new BucketAuditor(s3.Object, ownsClient: false, Options());

        var report = await auditor.AuditAsync();

        Assert.That(report.Findings.Single(f => f.Control == "S3.17").Evidence, Does.Contain("grant s3:GetEncryptionConfiguration"));
        Assert.That(report.Findings.Single(f => f.Control == "S3.5").Evidence, Does.Contain("grant s3:GetBucketPolicy"));
    }

    [Test]
    public void AuditAsync_NoSuchBucket_Throws()
    {
        var s3 = Failing(new AmazonS3Exception("no bucket", Amazon.Runtime.ErrorType.Sender, "NoSuchBucket", "req", HttpStatusCode.NotFound));
        using var auditor = new BucketAuditor(s3.Object, ownsClient: false, Options());

        Assert.That(async () => await auditor.AuditAsync(), Throws.TypeOf<AmazonS3Exception>().With.Property(nameof(AmazonS3Exception.ErrorCode)).EqualTo("NoSuchBucket"));
    }

    [Test]
    public void AuditAsync_EndpointUnreachable_Throws()
    {
        var s3 = Failing(new HttpRequestException("Connection refused"));
        using var auditor = new BucketAuditor(s3.Object, ownsClient: false, Options());

        Assert.That(async () => await auditor.AuditAsync(), Throws.TypeOf<HttpRequestException>());
    }

    private static BucketAuditOptions Options()
    {
        var options = new BucketAuditOptions { Bucket = "awesomeai-inbox" };
        options.Partners["BigDataRider"] = "arn:aws:iam::111122223333:role/BigDataRider";
        return options;
    }

    private static Mock<IAmazonS3> Failing(Exception error)
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(c => c.GetPublicAccessBlockAsync(It.IsAny<GetPublicAccessBlockRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        s3.Setup(c => c.GetBucketAclAsync(It.IsAny<GetBucketAclRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        s3.Setup(c => c.GetBucketPolicyAsync(It.IsAny<GetBucketPolicyRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        s3.Setup(c => c.GetBucketLoggingAsync(It.IsAny<GetBucketLoggingRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        s3.Setup(c => c.GetBucketOwnershipControlsAsync(It.IsAny<GetBucketOwnershipControlsRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        s3.Setup(c => c.GetLifecycleConfigurationAsync(It.IsAny<GetLifecycleConfigurationRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        s3.Setup(c => c.GetBucketVersioningAsync(It.IsAny<GetBucketVersioningRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        s3.Setup(c => c.GetObjectLockConfigurationAsync(It.IsAny<GetObjectLockConfigurationRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        s3.Setup(c => c.GetBucketEncryptionAsync(It.IsAny<GetBucketEncryptionRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        s3.Setup(c => c.GetBucketNotificationAsync(It.IsAny<GetBucketNotificationRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        return s3;
    }
}
