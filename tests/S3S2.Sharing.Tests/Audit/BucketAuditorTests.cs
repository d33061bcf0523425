using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing.Audit;
using S3S2.Sharing.Audit.Generation;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Audit;

/// <summary>The audit against a real S3 API (moto): a bucket set up badly, then one set up from the generator's output.</summary>
[TestFixture]
[Category("Moto")]
public sealed class BucketAuditorTests
{
    private const string Rider = "arn:aws:iam::111122223333:role/BigDataRider";
    private const string Surfer = "arn:aws:iam::444455556666:role/CustomDataSurfer";
    private const string ReceiverKey = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";

    [Test]
    public async Task AuditAsync_BadlySetUpBucket_NamesEveryFinding()
    {
        var moto = LocalMotoServer.Instance;
        var bucket = await moto.CreateBucketAsync();
        using (var s3 = moto.CreateS3Client())
        {
            // Public read, no TLS rule, and BigDataRider may read CustomDataSurfer's prefix.
            await s3.PutBucketPolicyAsync(new PutBucketPolicyRequest
            {
                BucketName = bucket,
                Policy = $$"""
                    {"Version":"2012-10-17","Statement":[
                      {"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"},
                      {"Sid":"RiderWrites","Effect":"Allow","Principal":{"AWS":"{{Rider}}"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{{bucket}}/partners/BigDataRider/*"},
                      {"Sid":"RiderReadsSurfer","Effect":"Allow","Principal":{"AWS":"{{Rider}}"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/partners/CustomDataSurfer/*"}]}
                    """,
            });
        }

        var report = await AuditAsync(bucket);

        var controls = report.Findings.Select(f => f.Control).ToList();
        Assert.That(controls, Is.SupersetOf(new[] { "S3.1", "S3.2", "S3.5", "S3.8", "S3.9", "S3.12", "S3.13", "S3.14", "S3.15", "S3.17", "notifications", "access-matrix" }));
        Assert.That(report.HasWarningsOrWorse, Is.True);
        Assert.That(report.Findings.Where(f => f.Severity == FindingSeverity.Critical).Select(f => f.Title), Is.EquivalentTo(new[]
        {
            "Anyone (anonymous) may read partners' files.",
            "An unrelated account (arn:aws:iam::999999999999:role/s3s2-audit-unrelated) may read partners' files.",
            $"Partner 'BigDataRider' ({Rider}) may read another partner's files (CustomDataSurfer).",
            $"Partner 'CustomDataSurfer' ({Surfer}) may read another partner's files (BigDataRider).",
        }));
        Assert.That(report.Findings.Where(f => f.Control == "access-matrix" && f.Severity == FindingSeverity.Warning).Select(f => f.Title), Is.EquivalentTo(new[]
        {
            $"Partner 'CustomDataSurfer' ({Surfer}) cannot upload to its own prefix with TLS and SSE-KMS key {ReceiverKey}.",
            $"Partner 'BigDataRider' ({Rider}) may read back its own files.",
            $"Partner 'CustomDataSurfer' ({Surfer}) may read back its own files.",
            $"Partner 'BigDataRider' ({Rider}) may upload over plain HTTP.",
            $"Partner 'BigDataRider' ({Rider}) may upload without SSE-KMS.",
            $"Partner 'BigDataRider' ({Rider}) may upload with an SSE-KMS key other than {ReceiverKey}.",
        }));
        Assert.That(report.Findings.Single(f => f.Control == "S3.8").Evidence, Is.EqualTo("No public access block configuration."));
        Assert.That(report.Findings.Single(f => f.Control == "S3.17").Evidence, Is.EqualTo("Default encryption is not configured, not SSE-KMS."));
        Assert.That(report.Findings.Single(f => f.Control == "S3.14").Fix, Does.Contain($"put-bucket-versioning --bucket {bucket}"));
        Assert.That(report.PassedControls, Does.Not.Contain("S3.5"));

        var rider = report.AccessMatrix.Single(r => r.Subject == "BigDataRider");
        Assert.That(rider.Checks.Select(c => c.Outcome), Is.EqualTo(new[]
        {
            AccessOutcome.Allowed, AccessOutcome.Denied, AccessOutcome.Denied, AccessOutcome.Allowed, AccessOutcome.Allowed, AccessOutcome.Denied,
            AccessOutcome.Denied, AccessOutcome.Denied, AccessOutcome.Allowed, AccessOutcome.Allowed, AccessOutcome.Allowed,
        }));
    }

    [Test]
    public async Task AuditAsync_BucketSetUpFromTheGenerator_HasNoWarningOrWorse()
    {
        var moto = LocalMotoServer.Instance;
        var bucket = await moto.CreateBucketAsync();
        var logs = await moto.CreateBucketAsync();
        var generator = new BucketPolicyOptions { Bucket = bucket, ServerSideEncryption = { Method = S3S2.Sharing.Storage.ServerSideEncryptionMethod.Kms, KmsKeyId = ReceiverKey } };
        generator.Partners["BigDataRider"] = Rider;
        generator.Partners["CustomDataSurfer"] = Surfer;
        var generated = BucketPolicyGenerator.Generate(generator);
        using (var s3 = moto.CreateS3Client())
        {
            await SetUpAsync(s3, bucket, logs, generated);
        }

        var report = await AuditAsync(bucket);

        Assert.That(report.Findings.Where(f => f.Severity >= FindingSeverity.Warning).Select(f => $"{f.Control} {f.Title} {f.Evidence}"), Is.Empty);
        Assert.That(report.HasWarningsOrWorse, Is.False);
        Assert.That(report.PassedControls, Is.SupersetOf(new[] { "S3.2", "S3.3", "S3.5", "S3.6", "S3.8", "S3.9", "S3.12", "S3.13", "S3.14", "S3.17", "access-matrix" }));
        Assert.That(report.AccessMatrix.Single(r => r.Subject == "anonymous").Checks.Where(c => c.Outcome == AccessOutcome.Allowed), Is.Empty);
    }

    [Test]
    public async Task AuditAsync_ThroughTheBuilder_UsesTheClientsS3Endpoint()
    {
        var moto = LocalMotoServer.Instance;
        var bucket = await moto.CreateBucketAsync();
        var services = new ServiceCollection();
        services.AddS3S2Sharing()
            .AddS3Store(o =>
            {
                o.ServiceUrl = moto.Endpoint;
                o.Region = LocalMotoServer.Region;
                o.Credentials = LocalMotoServer.Credentials;
            })
            .AddBucketAuditor(o =>
            {
                o.Bucket = bucket;
                o.Partners["BigDataRider"] = Rider;
            });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var report = await provider.GetRequiredService<IBucketAuditor>().AuditAsync();

        Assert.That(report.Bucket, Is.EqualTo(bucket));
        Assert.That(report.Findings.Select(f => f.Control), Does.Contain("S3.8"));
        Assert.That(report.AccessMatrix.Select(r => r.Subject), Is.EqualTo(new[] { "BigDataRider", "anonymous", "other-account" }), string.Join(" | ", report.Findings.Select(f => f.Title + " " + f.Evidence)));
    }

    [TestCase(false, "S3.2", "READ")]
    [TestCase(true, "S3.3", "WRITE")]
    public async Task AuditAsync_PublicAcl_Critical(bool write, string control, string permission)
    {
        var moto = LocalMotoServer.Instance;
        var bucket = await moto.CreateBucketAsync();
        using (var s3 = moto.CreateS3Client())
        {
            var allUsers = "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"";
            await s3.PutBucketAclAsync(write ? new PutBucketAclRequest { BucketName = bucket, GrantWrite = allUsers } : new PutBucketAclRequest { BucketName = bucket, GrantRead = allUsers });
        }

        var report = await AuditAsync(bucket);

        var finding = report.Findings.FirstOrDefault(f => f.Control == control && f.Severity == FindingSeverity.Critical);
        Assert.That(finding, Is.Not.Null, string.Join(" | ", report.Findings.Select(f => $"{f.Control} {f.Title}")));
        Assert.That(finding!.Title, Is.EqualTo($"The bucket ACL grants {permission} to everyone (AllUsers)."));
        Assert.That(finding.Fix, Does.Contain("BucketOwnerEnforced"));
    }

    [Test]
    public async Task AuditAsync_MissingBucket_Throws()
    {
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => AuditAsync("s3s2-audit-no-such-bucket"));

        Assert.That(error!.ErrorCode, Is.EqualTo("NoSuchBucket"));
    }

    internal static async Task SetUpAsync(IAmazonS3 s3, string bucket, string logs, GeneratedBucketConfiguration generated)
    {
        await s3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = generated.BucketPolicy });
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules =
                [
                    new LifecycleRule
                    {
                        Id = "s3s2-expire-shares",
                        Status = LifecycleRuleStatus.Enabled,
                        Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "partners/" } },
                        Expiration = new LifecycleRuleExpiration { Days = 30 },
                        AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 1 },
                    },
                ],
            },
        });
        await s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = bucket,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true },
        });
        await s3.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = bucket,
            OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ObjectOwnership.BucketOwnerEnforced }] },
        });
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules =
                [
                    new ServerSideEncryptionRule
                    {
                        ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = ReceiverKey },
                        BucketKeyEnabled = true,
                    },
                ],
            },
        });

        // The log bucket must let S3's logging service write to it.
        await s3.PutBucketPolicyAsync(new PutBucketPolicyRequest
        {
            BucketName = logs,
            Policy = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{{logs}}/*"}]}""",
        });
        await s3.PutBucketLoggingAsync(new PutBucketLoggingRequest { BucketName = bucket, LoggingConfig = new S3BucketLoggingConfig { TargetBucketName = logs, TargetPrefix = bucket + "/" } });
    }

    private static async Task<BucketAuditReport> AuditAsync(string bucket)
    {
        var options = new BucketAuditOptions { Bucket = bucket, ExpectedKmsKeyArn = ReceiverKey };
        options.Partners["BigDataRider"] = Rider;
        options.Partners["CustomDataSurfer"] = Surfer;
        using var auditor = new BucketAuditor(LocalMotoServer.Instance.CreateS3Client(), ownsClient: true, options);
        return await auditor.AuditAsync();
    }
}
