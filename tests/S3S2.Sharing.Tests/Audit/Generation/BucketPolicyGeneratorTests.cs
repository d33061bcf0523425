using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Audit;
using S3S2.Sharing.Audit.Evaluation;
using S3S2.Sharing.Audit.Generation;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Tests.Audit.Generation;

/// <summary>The generated policy is judged by its decisions (evaluated as IAM does), not only by its shape.</summary>
[TestFixture]
public sealed class BucketPolicyGeneratorTests
{
    private const string Bucket = "awesomeai-inbox";
    private const string Rider = "arn:aws:iam::111122223333:role/BigDataRider";
    private const string Surfer = "arn:aws:iam::444455556666:role/CustomDataSurfer";
    private const string ReceiverKey = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    private const string SurferKey = "arn:aws:kms:us-east-1:444455556666:key/99999999-2222-3333-4444-555555555555";
    private const string Unrelated = "arn:aws:iam::777788889999:user/mallory";

    [Test]
    public void Generate_PartnerWithTlsAndKey_MayPutAndAbortOnlyUnderOwnPrefix()
    {
        var policy = Policy(Generate());

        Assert.That(Decide(policy, Rider, "s3:PutObject", "partners/BigDataRider/s/a.csv.gpg"), Is.EqualTo(AccessDecision.Allow));
        Assert.That(Decide(policy, Rider, "s3:AbortMultipartUpload", "partners/BigDataRider/s/a.csv.gpg", sse: false), Is.EqualTo(AccessDecision.Allow));
        Assert.That(Decide(policy, Surfer, "s3:PutObject", "partners/CustomDataSurfer/x", kmsKey: SurferKey), Is.EqualTo(AccessDecision.Allow));
    }

    [TestCase("s3:PutObject", "partners/CustomDataSurfer/a")]
    [TestCase("s3:PutObject", "elsewhere/a")]
    [TestCase("s3:PutObject", "partners/BigDataRider")]
    [TestCase("s3:GetObject", "partners/BigDataRider/a")]
    [TestCase("s3:GetObject", "partners/CustomDataSurfer/a")]
    [TestCase("s3:DeleteObject", "partners/BigDataRider/a")]
    [TestCase("s3:DeleteObject", "partners/CustomDataSurfer/a")]
    [TestCase("s3:PutObjectAcl", "partners/BigDataRider/a")]
    [TestCase("s3:ListBucket", null)]
    [TestCase("s3:PutBucketPolicy", null)]
    public void Generate_PartnerOutsideItsRight_IsExplicitlyDenied(string action, string? objectKey)
    {
        var policy = Policy(Generate());

        Assert.That(Decide(policy, Rider, action, objectKey), Is.EqualTo(AccessDecision.ExplicitDeny));
    }

    [Test]
    public void Generate_PutWithoutTls_IsDeniedForPartnerAndAnyone()
    {
        var policy = Policy(Generate());

        Assert.That(Decide(policy, Rider, "s3:PutObject", "partners/BigDataRider/a", secure: false), Is.EqualTo(AccessDecision.ExplicitDeny));
        Assert.That(Decide(policy, null, "s3:GetObject", "partners/BigDataRider/a", secure: false), Is.EqualTo(AccessDecision.ExplicitDeny));
        Assert.That(Decide(policy, Unrelated, "s3:GetObject", "partners/BigDataRider/a", secure: false), Is.EqualTo(AccessDecision.ExplicitDeny));
    }

    [Test]
    public void Generate_PutWithoutSseKmsOrWithAnotherKey_IsDenied()
    {
        var policy = Policy(Generate());

        Assert.That(Decide(policy, Rider, "s3:PutObject", "partners/BigDataRider/a", sse: false), Is.EqualTo(AccessDecision.ExplicitDeny));
        Assert.That(Decide(policy, Rider, "s3:PutObject", "partners/BigDataRider/a", kmsKey: SurferKey), Is.EqualTo(AccessDecision.ExplicitDeny));
        Assert.That(Decide(policy, Rider, "s3:PutObject", "partners/BigDataRider/a", encryption: "AES256"), Is.EqualTo(AccessDecision.ExplicitDeny));
    }

    [Test]
    public void Generate_PartnerWithOwnKey_MustNameItsOwnKeyNotTheReceivers()
    {
        var policy = Policy(Generate());

        Assert.That(Decide(policy, Surfer, "s3:PutObject", "partners/CustomDataSurfer/a", kmsKey: ReceiverKey), Is.EqualTo(AccessDecision.ExplicitDeny));
        Assert.That(Decide(policy, Surfer, "s3:PutObject", "partners/CustomDataSurfer/a", kmsKey: SurferKey), Is.EqualTo(AccessDecision.Allow));
    }

    [TestCase(null)]
    [TestCase(Unrelated)]
    [TestCase("arn:aws:iam::111122223333:role/SomeoneElseAtRider")]
    public void Generate_AnonymousOrOtherPrincipals_MayDoNothing(string? principal)
    {
        var policy = Policy(Generate());

        foreach (var (action, objectKey) in new[] { ("s3:PutObject", "partners/BigDataRider/a"), ("s3:GetObject", "partners/BigDataRider/a"), ("s3:DeleteObject", "partners/CustomDataSurfer/a"), ("s3:ListBucket", (string?)null) })
        {
            Assert.That(Decide(policy, principal, action, objectKey), Is.Not.EqualTo(AccessDecision.Allow), $"{principal ?? "anonymous"} {action} {objectKey}");
        }
    }

    [Test]
    public void Generate_ServerSideEncryptionTheGeneratorCannotDemand_ListsEachProblem()
    {
        var s3Managed = Options();
        s3Managed.ServerSideEncryption.Method = ServerSideEncryptionMethod.S3Managed;
        s3Managed.ServerSideEncryption.KmsKeyId = null;
        var kmsWithoutKey = Options();
        kmsWithoutKey.ServerSideEncryption.KmsKeyId = null;
        kmsWithoutKey.ServerSideEncryption.AllowedKmsKeyIds.Add(ReceiverKey);

        var s3ManagedError = Assert.Throws<OptionsValidationException>(() => BucketPolicyGenerator.Generate(s3Managed));
        var kmsError = Assert.Throws<OptionsValidationException>(() => BucketPolicyGenerator.Generate(kmsWithoutKey));

        Assert.That(s3ManagedError!.Failures, Has.Exactly(1).Contains("demands SSE-KMS only; ServerSideEncryption.Method S3Managed is left to the bucket's default encryption"));
        Assert.That(kmsError!.Failures, Has.Exactly(1).Contains("ServerSideEncryption.Method is Kms but no key is given"));
        Assert.That(kmsError.Failures, Has.Exactly(1).Contains("ServerSideEncryption.AllowedKmsKeyIds is not used by the bucket policy"));
    }

    [Test]
    public void Generate_WithoutKey_NoSseConditionAndPutsWithoutHeadersAllowed()
    {
        var options = Options();
        options.ServerSideEncryption.Method = ServerSideEncryptionMethod.None;
        options.ServerSideEncryption.KmsKeyId = null;
        options.PartnerKmsKeys.Clear();

        var generated = BucketPolicyGenerator.Generate(options);

        Assert.That(Decide(Policy(generated), Rider, "s3:PutObject", "partners/BigDataRider/a", sse: false), Is.EqualTo(AccessDecision.Allow));
        Assert.That(generated.BucketPolicy, Does.Not.Contain("x-amz-server-side-encryption"));
        Assert.That(generated.ReceiverKeyPolicyStatements, Is.Empty);
    }

    [Test]
    public void Generate_AccessMatrixOfTheGeneratedPolicy_HasNoFinding()
    {
        var audit = new BucketAuditOptions { Bucket = Bucket, ExpectedKmsKeyArn = ReceiverKey };
        audit.Partners["BigDataRider"] = Rider;
        audit.Partners["CustomDataSurfer"] = Surfer;
        audit.PartnerKmsKeys["CustomDataSurfer"] = SurferKey;
        var evaluator = new AccessMatrixEvaluator(Policy(Generate()), audit);

        var rows = evaluator.Evaluate();

        Assert.That(evaluator.Findings, Is.Empty, string.Join(Environment.NewLine, evaluator.Findings.Select(f => f.Title + " " + f.Evidence)));
        Assert.That(evaluator.CheckTlsOnly(), Is.Null);
        Assert.That(rows.Select(r => r.Subject), Is.EqualTo(new[] { "BigDataRider", "CustomDataSurfer", "anonymous", "other-account" }));
        Assert.That(rows[0].Checks.Single(c => c.Name == "put-own").Outcome, Is.EqualTo(AccessOutcome.Allowed));
        Assert.That(rows[0].Checks.Single(c => c.Name == "get-other").Outcome, Is.EqualTo(AccessOutcome.ExplicitlyDenied));
    }

    [Test]
    public void Generate_Lifecycle_ExpiresUnderRootAndAbortsMultipartAfterOneDay()
    {
        var options = Options();
        options.ExpireDays = 14;

        var lifecycle = JsonNode.Parse(BucketPolicyGenerator.Generate(options).LifecycleConfiguration)!;

        var rule = lifecycle["Rules"]![0]!;
        Assert.That(rule["Status"]!.GetValue<string>(), Is.EqualTo("Enabled"));
        Assert.That(rule["Filter"]!["Prefix"]!.GetValue<string>(), Is.EqualTo("partners/"));
        Assert.That(rule["Expiration"]!["Days"]!.GetValue<int>(), Is.EqualTo(14));
        Assert.That(rule["AbortIncompleteMultipartUpload"]!["DaysAfterInitiation"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [Test]
    public void Generate_PartnerPolicy_GrantsUploadToOwnPrefixAndTheKeySseKmsNeeds()
    {
        // An identity policy (no Principal): read as JSON, since the evaluator reads resource policies.
        var statements = JsonNode.Parse(Generate().PartnerPolicies["BigDataRider"])!["Statement"]!.AsArray();

        Assert.That(statements[0]!["Resource"]!.GetValue<string>(), Is.EqualTo($"arn:aws:s3:::{Bucket}/partners/BigDataRider/*"));
        Assert.That(statements[0]!["Action"]!.AsArray().Select(a => a!.GetValue<string>()), Is.EqualTo(new[] { "s3:PutObject", "s3:AbortMultipartUpload" }));
        Assert.That(statements[1]!["Resource"]!.GetValue<string>(), Is.EqualTo(ReceiverKey));
        Assert.That(statements[1]!["Action"]!.AsArray().Select(a => a!.GetValue<string>()), Is.EqualTo(new[] { "kms:GenerateDataKey", "kms:Decrypt" }));
    }

    [Test]
    public void Generate_KeyStatements_ReceiverKeyForSharedKeyPartnerPartnerKeyLetsReceiverDecrypt()
    {
        var generated = Generate();

        var receiverSide = JsonNode.Parse(generated.ReceiverKeyPolicyStatements["BigDataRider"])!;
        var partnerSide = JsonNode.Parse(generated.PartnerKeyPolicyStatements["CustomDataSurfer"])!;

        Assert.That(receiverSide["Principal"]!["AWS"]!.GetValue<string>(), Is.EqualTo(Rider));
        Assert.That(generated.ReceiverKeyPolicyStatements.ContainsKey("CustomDataSurfer"), Is.False);
        Assert.That(partnerSide["Principal"]!["AWS"]!.GetValue<string>(), Is.EqualTo("arn:aws:iam::123456789012:root"));
        Assert.That(partnerSide["Action"]!.AsArray().Select(a => a!.GetValue<string>()), Does.Contain("kms:Decrypt"));
        Assert.That(generated.PartnerKeyPolicyStatements.ContainsKey("BigDataRider"), Is.False);
    }

    [Test]
    public void Generate_Output_IsValidJsonWithUniqueAlphanumericSids()
    {
        var options = Options();
        options.Partners["big.data-rider_2"] = "999999999999";

        var policy = JsonNode.Parse(BucketPolicyGenerator.Generate(options).BucketPolicy)!;

        var sids = policy["Statement"]!.AsArray().Select(s => s!["Sid"]!.GetValue<string>()).ToList();
        Assert.That(sids, Is.Unique);
        Assert.That(sids, Has.All.Matches<string>(s => s!.All(char.IsAsciiLetterOrDigit)));
        Assert.That(policy["Version"]!.GetValue<string>(), Is.EqualTo("2012-10-17"));
    }

    [Test]
    public void Generate_BadOptions_ListsEveryProblem()
    {
        var options = new BucketPolicyOptions { Bucket = "Bad_Bucket", PrefixRoot = "part*ners", ServerSideEncryption = { Method = ServerSideEncryptionMethod.Kms, KmsKeyId = "alias/mine" }, ExpireDays = 0 };
        options.Partners["Big Data"] = "not-an-arn";
        options.PartnerKmsKeys["Nobody"] = SurferKey;

        var error = Assert.Throws<OptionsValidationException>(() => BucketPolicyGenerator.Generate(options));

        var message = string.Join(Environment.NewLine, error!.Failures);
        Assert.That(message, Does.Contain("bucket 'Bad_Bucket' is not a valid S3 bucket name"));
        Assert.That(message, Does.Contain("prefix root 'part*ners'"));
        Assert.That(message, Does.Contain("partner name 'Big Data'"));
        Assert.That(message, Does.Contain("principal 'not-an-arn' is not an AWS principal"));
        Assert.That(message, Does.Contain("KMS key 'alias/mine' is not a key ARN"));
        Assert.That(message, Does.Contain("partner 'Nobody', who is not among the partners"));
        Assert.That(message, Does.Contain("expiry 0 days"));
    }

    [Test]
    public void Generate_PartnerKeyWithoutReceiverAccount_AsksForIt()
    {
        var options = Options();
        options.ServerSideEncryption.Method = ServerSideEncryptionMethod.None;
        options.ServerSideEncryption.KmsKeyId = null;

        var error = Assert.Throws<OptionsValidationException>(() => BucketPolicyGenerator.Generate(options));

        Assert.That(error!.Message, Does.Contain("--receiver-account"));
    }

    [Test]
    public void Generate_WithQueueArn_NotificationForManifestsUnderRootAndQueuePolicyForThisBucketOnly()
    {
        var options = Options();
        options.NotificationQueueArn = "arn:aws:sqs:us-east-1:123456789012:s3s2-shares";

        var generated = BucketPolicyGenerator.Generate(options);

        var rules = JsonNode.Parse(generated.NotificationConfiguration!)!["QueueConfigurations"]!.AsArray();
        Assert.That(
            rules.Select(r => (r!["QueueArn"]!.GetValue<string>(), r["Events"]![0]!.GetValue<string>(), string.Join(" ", r["Filter"]!["Key"]!["FilterRules"]!.AsArray().Select(f => $"{f!["Name"]}={f["Value"]}")))),
            Is.EqualTo(new[]
            {
                (options.NotificationQueueArn, "s3:ObjectCreated:*", "prefix=partners/ suffix=.manifest.json.gpg"),
                (options.NotificationQueueArn, "s3:ObjectCreated:*", "prefix=partners/ suffix=.manifest.json.encrypted"),
            }));
        var statement = JsonNode.Parse(generated.QueuePolicy!)!["Statement"]!.AsArray().Single()!;
        Assert.That(statement["Principal"]!["Service"]!.GetValue<string>(), Is.EqualTo("s3.amazonaws.com"));
        Assert.That(statement["Action"]!.GetValue<string>(), Is.EqualTo("sqs:SendMessage"));
        Assert.That(statement["Resource"]!.GetValue<string>(), Is.EqualTo(options.NotificationQueueArn));
        Assert.That(statement["Condition"]!["ArnEquals"]!["aws:SourceArn"]!.GetValue<string>(), Is.EqualTo("arn:aws:s3:::" + Bucket));
        Assert.That(statement["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.GetValue<string>(), Is.EqualTo("123456789012"));
    }

    [Test]
    public void Generate_WithoutQueueArn_NoNotificationConfiguration()
    {
        var generated = Generate();

        Assert.That((generated.NotificationConfiguration, generated.QueuePolicy), Is.EqualTo(((string?)null, (string?)null)));
    }

    [Test]
    public void Generate_QueueArnNotAnSqsArn_NamesTheValueAndTheFix()
    {
        var options = Options();
        options.NotificationQueueArn = "https://sqs.us-east-1.amazonaws.com/123456789012/s3s2-shares";

        var error = Assert.Throws<OptionsValidationException>(() => BucketPolicyGenerator.Generate(options));

        Assert.That(error!.Message, Does.Contain("'https://sqs.us-east-1.amazonaws.com/123456789012/s3s2-shares' is not an SQS queue ARN").And.Contain("get-queue-attributes"));
    }

    private static BucketPolicyOptions Options()
    {
        var options = new BucketPolicyOptions { Bucket = Bucket, ServerSideEncryption = { Method = ServerSideEncryptionMethod.Kms, KmsKeyId = ReceiverKey } };
        options.Partners["BigDataRider"] = Rider;
        options.Partners["CustomDataSurfer"] = Surfer;
        options.PartnerKmsKeys["CustomDataSurfer"] = SurferKey;
        return options;
    }

    private static GeneratedBucketConfiguration Generate() => BucketPolicyGenerator.Generate(Options());

    private static PolicyDocument Policy(GeneratedBucketConfiguration generated) => PolicyDocument.Parse(generated.BucketPolicy);

    private static AccessDecision Decide(PolicyDocument policy, string? principal, string action, string? objectKey, bool secure = true, bool sse = true, string? encryption = null, string kmsKey = ReceiverKey)
    {
        var context = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["aws:SecureTransport"] = secure ? "true" : "false" };
        if (sse)
        {
            context["s3:x-amz-server-side-encryption"] = encryption ?? "aws:kms";
            context["s3:x-amz-server-side-encryption-aws-kms-key-id"] = kmsKey;
        }

        var resource = objectKey is null ? "arn:aws:s3:::" + Bucket : $"arn:aws:s3:::{Bucket}/{objectKey}";
        return PolicyEvaluator.Evaluate(policy, new AccessRequest { PrincipalArn = principal, Action = action, Resource = resource, Context = context }).Decision;
    }
}
