using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using S3S2.Sharing.Audit;

namespace S3S2.Sharing.Tests.Audit;

[TestFixture]
public sealed class BucketAuditSharingBuilderExtensionsTests
{
    [Test]
    public void AddBucketAuditor_InvalidOptions_ResolvingListsEveryProblem()
    {
        var services = new ServiceCollection();
        services.AddS3S2Sharing().AddBucketAuditor(o =>
        {
            o.PrefixRoot = "/";
            o.Partners["BigDataRider"] = "BigDataRider";
            o.PartnerKmsKeys["Other"] = "arn:aws:kms:us-east-1:123456789012:key/1";
        });
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IBucketAuditor>());

        Assert.That(error!.Failures, Has.Some.Contains("Bucket is not set"));
        Assert.That(error.Failures, Has.Some.Contains("prefix root '/'"));
        Assert.That(error.Failures, Has.Some.Contains("principal 'BigDataRider' is not an AWS principal"));
        Assert.That(error.Failures, Has.Some.Contains("partner 'Other', who is not among the partners"));
    }

    [Test]
    public void AddBucketAuditor_AuditOnlyClient_UsesTheHostsS3ClientWithoutEncryptorOrUploader()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(c => c.GetPublicAccessBlockAsync(It.IsAny<GetPublicAccessBlockRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("no bucket", Amazon.Runtime.ErrorType.Sender, "NoSuchBucket", "req", HttpStatusCode.NotFound));
        var services = new ServiceCollection();
        services.AddSingleton(s3.Object);
        services.AddS3S2Sharing().AddBucketAuditor(o => o.Bucket = "awesomeai-inbox");
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var auditor = provider.GetRequiredService<IBucketAuditor>();

        Assert.That(async () => await auditor.AuditAsync(), Throws.TypeOf<AmazonS3Exception>());
        s3.Verify(c => c.GetPublicAccessBlockAsync(It.Is<GetPublicAccessBlockRequest>(r => r.BucketName == "awesomeai-inbox"), It.IsAny<CancellationToken>()), Times.Once);
    }
}
