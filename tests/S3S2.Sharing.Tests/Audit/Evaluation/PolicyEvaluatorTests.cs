using S3S2.Sharing.Audit.Evaluation;

namespace S3S2.Sharing.Tests.Audit.Evaluation;

/// <summary>IAM's documented evaluation of resource policies, one rule per test.</summary>
[TestFixture]
public sealed class PolicyEvaluatorTests
{
    private const string Partner = "arn:aws:iam::111122223333:role/BigDataRider";
    private const string OtherPartner = "arn:aws:iam::444455556666:role/CustomDataSurfer";
    private const string Key = "arn:aws:kms:us-east-1:123456789012:key/1111";
    private const string Object = "arn:aws:s3:::inbox/partners/BigDataRider/a.csv";

    [Test]
    public void Evaluate_NoStatement_ImplicitDeny()
    {
        Assert.That(Decide("[]", Partner), Is.EqualTo(AccessDecision.ImplicitDeny));
    }

    [Test]
    public void Evaluate_AllowForPrincipal_Allows()
    {
        Assert.That(Decide(Allow($"{{\"AWS\":\"{Partner}\"}}"), Partner), Is.EqualTo(AccessDecision.Allow));
    }

    [Test]
    public void Evaluate_AllowForOtherPrincipal_ImplicitDeny()
    {
        Assert.That(Decide(Allow($"{{\"AWS\":\"{OtherPartner}\"}}"), Partner), Is.EqualTo(AccessDecision.ImplicitDeny));
    }

    [Test]
    public void Evaluate_ExplicitDenyAndAllow_DenyWins()
    {
        var policy = $"[{Statement("Allow", "\"*\"")},{Statement("Deny", $"{{\"AWS\":\"{Partner}\"}}")}]";

        Assert.That(Decide(policy, Partner), Is.EqualTo(AccessDecision.ExplicitDeny));
        Assert.That(Decide(policy, OtherPartner), Is.EqualTo(AccessDecision.Allow));
    }

    [Test]
    public void Evaluate_SingleStatementObjectNotArray_IsRead()
    {
        var json = $"{{\"Version\":\"2012-10-17\",\"Statement\":{Statement("Allow", "\"*\"")}}}";

        Assert.That(PolicyEvaluator.Evaluate(PolicyDocument.Parse(json), Request(Partner)).Decision, Is.EqualTo(AccessDecision.Allow));
    }

    [TestCase("\"*\"")]
    [TestCase("{\"AWS\":\"*\"}")]
    [TestCase("{\"AWS\":[\"*\"]}")]
    public void Evaluate_PrincipalEveryone_MatchesAnonymous(string principal)
    {
        Assert.That(Decide(Allow(principal), null), Is.EqualTo(AccessDecision.Allow));
    }

    [Test]
    public void Evaluate_NamedPrincipal_DoesNotMatchAnonymous()
    {
        Assert.That(Decide(Allow($"{{\"AWS\":\"{Partner}\"}}"), null), Is.EqualTo(AccessDecision.ImplicitDeny));
    }

    [TestCase("arn:aws:iam::111122223333:root")]
    [TestCase("111122223333")]
    public void Evaluate_AccountPrincipal_MatchesEveryPrincipalOfTheAccount(string account)
    {
        var policy = Allow($"{{\"AWS\":\"{account}\"}}");

        Assert.That(Decide(policy, Partner), Is.EqualTo(AccessDecision.Allow));
        Assert.That(Decide(policy, "arn:aws:sts::111122223333:assumed-role/Etl/session"), Is.EqualTo(AccessDecision.Allow));
        Assert.That(Decide(policy, OtherPartner), Is.EqualTo(AccessDecision.ImplicitDeny));
    }

    [Test]
    public void Evaluate_PrincipalList_AnyEntryMatches()
    {
        Assert.That(Decide(Allow($"{{\"AWS\":[\"{OtherPartner}\",\"{Partner}\"]}}"), Partner), Is.EqualTo(AccessDecision.Allow));
    }

    [Test]
    public void Evaluate_ServicePrincipal_DoesNotMatchAnAwsCaller()
    {
        Assert.That(Decide(Allow("{\"Service\":\"logging.s3.amazonaws.com\"}"), Partner), Is.EqualTo(AccessDecision.ImplicitDeny));
    }

    [Test]
    public void Evaluate_NotPrincipalDeny_AppliesToEveryoneElse()
    {
        var policy = $"[{Statement("Allow", "\"*\"")},{{\"Effect\":\"Deny\",\"NotPrincipal\":{{\"AWS\":\"{Partner}\"}},\"Action\":\"s3:*\",\"Resource\":\"*\"}}]";

        Assert.That(Decide(policy, Partner), Is.EqualTo(AccessDecision.Allow));
        Assert.That(Decide(policy, OtherPartner), Is.EqualTo(AccessDecision.ExplicitDeny));
        Assert.That(Decide(policy, null), Is.EqualTo(AccessDecision.ExplicitDeny));
    }

    [TestCase("s3:PutObject", "s3:PutObject", "Allow")]
    [TestCase("s3:putobject", "s3:PutObject", "Allow")]
    [TestCase("s3:Put*", "s3:PutObject", "Allow")]
    [TestCase("s3:*", "s3:DeleteObject", "Allow")]
    [TestCase("*", "s3:ListBucket", "Allow")]
    [TestCase("s3:?etObject", "s3:GetObject", "Allow")]
    [TestCase("s3:?etObject", "s3:PutObject", "ImplicitDeny")]
    [TestCase("s3:Get*", "s3:PutObject", "ImplicitDeny")]
    [TestCase("s3:PutObject", "s3:PutObjectAcl", "ImplicitDeny")]
    public void Evaluate_ActionPattern_CaseInsensitiveWildcards(string pattern, string action, string expected)
    {
        var policy = $"{{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"{pattern}\",\"Resource\":\"*\"}}";

        Assert.That(Decide(policy, Partner, action), Is.EqualTo(Enum.Parse<AccessDecision>(expected)));
    }

    [Test]
    public void Evaluate_NotAction_AppliesToEveryOtherAction()
    {
        var policy = $"{{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":[\"s3:GetObject\",\"s3:Delete*\"],\"Resource\":\"*\"}}";

        Assert.That(Decide(policy, Partner, "s3:PutObject"), Is.EqualTo(AccessDecision.Allow));
        Assert.That(Decide(policy, Partner, "s3:GetObject"), Is.EqualTo(AccessDecision.ImplicitDeny));
        Assert.That(Decide(policy, Partner, "s3:DeleteObject"), Is.EqualTo(AccessDecision.ImplicitDeny));
    }

    [TestCase("arn:aws:s3:::inbox/partners/BigDataRider/*", "Allow")]
    [TestCase("arn:aws:s3:::inbox/*", "Allow")]
    [TestCase("arn:aws:s3:::inbox/partners/*/a.csv", "Allow")]
    [TestCase("arn:aws:s3:::inbox/partners/BigDataRide?/a.csv", "Allow")]
    [TestCase("arn:aws:s3:::inbox/partners/bigdatarider/*", "ImplicitDeny")]
    [TestCase("arn:aws:s3:::inbox/partners/CustomDataSurfer/*", "ImplicitDeny")]
    [TestCase("arn:aws:s3:::inbox", "ImplicitDeny")]
    [TestCase("arn:aws:s3:::inbox2/*", "ImplicitDeny")]
    public void Evaluate_ResourcePattern_CaseSensitiveWildcards(string pattern, string expected)
    {
        var policy = $"{{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"{pattern}\"}}";

        Assert.That(Decide(policy, Partner), Is.EqualTo(Enum.Parse<AccessDecision>(expected)));
    }

    [Test]
    public void Evaluate_NotResource_AppliesToEveryOtherResource()
    {
        var policy = $"{{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"NotResource\":\"arn:aws:s3:::inbox/partners/BigDataRider/*\"}}";

        Assert.That(Decide(policy, Partner), Is.EqualTo(AccessDecision.ImplicitDeny));
        Assert.That(Decide(policy, Partner, resource: "arn:aws:s3:::inbox/partners/CustomDataSurfer/a.csv"), Is.EqualTo(AccessDecision.ExplicitDeny));
    }

    [TestCase("false", false, "ExplicitDeny")]
    [TestCase("false", true, "Allow")]
    [TestCase("FALSE", false, "ExplicitDeny")]
    public void Evaluate_BoolSecureTransport_DeniesPlainHttp(string value, bool secure, string expected)
    {
        var policy = $"[{Statement("Allow", "\"*\"")},{Statement("Deny", "\"*\"", $"{{\"Bool\":{{\"aws:SecureTransport\":\"{value}\"}}}}")}]";

        Assert.That(Decide(policy, Partner, context: Context(("aws:SecureTransport", secure ? "true" : "false"))), Is.EqualTo(Enum.Parse<AccessDecision>(expected)));
    }

    [Test]
    public void Evaluate_BoolWithJsonBoolean_IsRead()
    {
        var policy = $"[{Statement("Allow", "\"*\"")},{Statement("Deny", "\"*\"", "{\"Bool\":{\"aws:SecureTransport\":false}}")}]";

        Assert.That(Decide(policy, Partner, context: Context(("aws:SecureTransport", "false"))), Is.EqualTo(AccessDecision.ExplicitDeny));
    }

    [Test]
    public void Evaluate_StringNotEqualsKeyMissing_Holds()
    {
        // IAM: a negated operator holds when the key is absent, so "deny unless the header names the key" denies a PUT without it.
        var policy = $"[{Statement("Allow", "\"*\"")},{Statement("Deny", "\"*\"", $"{{\"StringNotEquals\":{{\"s3:x-amz-server-side-encryption-aws-kms-key-id\":\"{Key}\"}}}}")}]";

        Assert.That(Decide(policy, Partner, context: Context()), Is.EqualTo(AccessDecision.ExplicitDeny));
        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption-aws-kms-key-id", Key + "2"))), Is.EqualTo(AccessDecision.ExplicitDeny));
        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption-aws-kms-key-id", Key))), Is.EqualTo(AccessDecision.Allow));
    }

    [Test]
    public void Evaluate_StringEqualsKeyMissing_DoesNotHold()
    {
        var policy = Statement("Allow", "\"*\"", "{\"StringEquals\":{\"s3:x-amz-server-side-encryption\":\"aws:kms\"}}");

        Assert.That(Decide(policy, Partner, context: Context()), Is.EqualTo(AccessDecision.ImplicitDeny));
        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption", "aws:kms"))), Is.EqualTo(AccessDecision.Allow));
        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption", "AWS:KMS"))), Is.EqualTo(AccessDecision.ImplicitDeny));
    }

    [Test]
    public void Evaluate_StringEqualsIfExistsKeyMissing_Holds()
    {
        var policy = Statement("Allow", "\"*\"", "{\"StringEqualsIfExists\":{\"s3:x-amz-server-side-encryption\":\"aws:kms\"}}");

        Assert.That(Decide(policy, Partner, context: Context()), Is.EqualTo(AccessDecision.Allow));
        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption", "AES256"))), Is.EqualTo(AccessDecision.ImplicitDeny));
    }

    [Test]
    public void Evaluate_StringEqualsIgnoreCase_IgnoresCase()
    {
        var policy = Statement("Allow", "\"*\"", "{\"StringEqualsIgnoreCase\":{\"s3:x-amz-server-side-encryption\":\"AWS:KMS\"}}");

        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption", "aws:kms"))), Is.EqualTo(AccessDecision.Allow));
    }

    [Test]
    public void Evaluate_MultipleValues_AnyMatches()
    {
        var policy = Statement("Allow", "\"*\"", "{\"StringEquals\":{\"s3:x-amz-server-side-encryption\":[\"AES256\",\"aws:kms\"]}}");

        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption", "aws:kms"))), Is.EqualTo(AccessDecision.Allow));
    }

    [Test]
    public void Evaluate_NegatedWithMultipleValues_HoldsOnlyWhenNoneMatches()
    {
        var policy = $"[{Statement("Allow", "\"*\"")},{Statement("Deny", "\"*\"", "{\"StringNotEquals\":{\"s3:x-amz-server-side-encryption\":[\"AES256\",\"aws:kms\"]}}")}]";

        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption", "aws:kms"))), Is.EqualTo(AccessDecision.Allow));
        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption", "aws:kms:dsse"))), Is.EqualTo(AccessDecision.ExplicitDeny));
    }

    [Test]
    public void Evaluate_TwoConditionKeys_BothMustHold()
    {
        var policy = Statement("Allow", "\"*\"", $"{{\"StringEquals\":{{\"s3:x-amz-server-side-encryption\":\"aws:kms\",\"s3:x-amz-server-side-encryption-aws-kms-key-id\":\"{Key}\"}}}}");

        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption", "aws:kms"))), Is.EqualTo(AccessDecision.ImplicitDeny));
        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption", "aws:kms"), ("s3:x-amz-server-side-encryption-aws-kms-key-id", Key))), Is.EqualTo(AccessDecision.Allow));
    }

    [TestCase("arn:aws:kms:*:123456789012:key/*", "Allow")]
    [TestCase("arn:aws:kms:us-east-1:123456789012:key/111?", "Allow")]
    [TestCase("arn:aws:kms:us-east-1:999999999999:key/*", "ImplicitDeny")]
    public void Evaluate_StringLike_Wildcards(string pattern, string expected)
    {
        var policy = Statement("Allow", "\"*\"", $"{{\"StringLike\":{{\"s3:x-amz-server-side-encryption-aws-kms-key-id\":\"{pattern}\"}}}}");

        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption-aws-kms-key-id", Key))), Is.EqualTo(Enum.Parse<AccessDecision>(expected)));
    }

    [Test]
    public void Evaluate_StringNotLike_DeniesOtherKeys()
    {
        var policy = $"[{Statement("Allow", "\"*\"")},{Statement("Deny", "\"*\"", "{\"StringNotLike\":{\"s3:x-amz-server-side-encryption-aws-kms-key-id\":\"arn:aws:kms:*:123456789012:key/*\"}}")}]";

        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption-aws-kms-key-id", Key))), Is.EqualTo(AccessDecision.Allow));
        Assert.That(Decide(policy, Partner, context: Context(("s3:x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:us-east-1:999999999999:key/1"))), Is.EqualTo(AccessDecision.ExplicitDeny));
    }

    [TestCase("true", false, "ExplicitDeny")]
    [TestCase("true", true, "Allow")]
    [TestCase("false", false, "Allow")]
    [TestCase("false", true, "ExplicitDeny")]
    public void Evaluate_Null_ChecksPresence(string value, bool present, string expected)
    {
        // Deny when the Null test holds: "true" = the header is absent, "false" = it is present.
        var policy = $"[{Statement("Allow", "\"*\"")},{Statement("Deny", "\"*\"", $"{{\"Null\":{{\"s3:x-amz-server-side-encryption\":\"{value}\"}}}}")}]";
        var context = present ? Context(("s3:x-amz-server-side-encryption", "aws:kms")) : Context();

        Assert.That(Decide(policy, Partner, context: context), Is.EqualTo(Enum.Parse<AccessDecision>(expected)));
    }

    [TestCase("ArnEquals", "arn:aws:iam::111122223333:role/BigDataRider", "Allow")]
    [TestCase("ArnLike", "arn:aws:iam::111122223333:role/*", "Allow")]
    [TestCase("ArnLike", "arn:aws:iam::*:role/BigDataRider", "Allow")]
    [TestCase("ArnLike", "arn:aws:iam::444455556666:role/*", "ImplicitDeny")]
    [TestCase("ArnLike", "arn:aws:iam::111122223333:role/bigdatarider", "ImplicitDeny")]
    public void Evaluate_ArnOperatorsOnPrincipalArn_MatchPerSegment(string op, string pattern, string expected)
    {
        var policy = Statement("Allow", "\"*\"", $"{{\"{op}\":{{\"aws:PrincipalArn\":\"{pattern}\"}}}}");

        Assert.That(Decide(policy, Partner), Is.EqualTo(Enum.Parse<AccessDecision>(expected)));
    }

    [Test]
    public void Evaluate_ArnNotLikeDeny_SparesTheNamedPrincipal()
    {
        var policy = $"[{Statement("Allow", "\"*\"")},{Statement("Deny", "\"*\"", $"{{\"ArnNotLike\":{{\"aws:PrincipalArn\":\"{Partner}\"}}}}")}]";

        Assert.That(Decide(policy, Partner), Is.EqualTo(AccessDecision.Allow));
        Assert.That(Decide(policy, OtherPartner), Is.EqualTo(AccessDecision.ExplicitDeny));

        // Anonymous callers have no aws:PrincipalArn: the negated operator holds, so they are denied too.
        Assert.That(Decide(policy, null), Is.EqualTo(AccessDecision.ExplicitDeny));
    }

    [Test]
    public void Evaluate_UnknownOperatorOnAllow_AssumedToApplyAndReported()
    {
        var policy = Statement("Allow", "\"*\"", "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}");

        var result = PolicyEvaluator.Evaluate(PolicyDocument.Parse(Wrap(policy)), Request(null));

        Assert.That(result.Decision, Is.EqualTo(AccessDecision.Allow));
        Assert.That(result.Uncertainties, Has.Count.EqualTo(1));
        Assert.That(result.Uncertainties[0], Does.Contain("IpAddress").And.Contain("assumed to apply"));
    }

    [Test]
    public void Evaluate_UnknownOperatorOnDeny_AssumedNotToApplyAndReported()
    {
        var policy = $"[{Statement("Allow", "\"*\"")},{Statement("Deny", "\"*\"", "{\"NotIpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}")}]";

        var result = PolicyEvaluator.Evaluate(PolicyDocument.Parse(Wrap(policy)), Request(Partner));

        Assert.That(result.Decision, Is.EqualTo(AccessDecision.Allow));
        Assert.That(result.Uncertainties.Single(), Does.Contain("assumed not to apply"));
    }

    [Test]
    public void Evaluate_KnownOperatorOnUnmodelledKey_TreatedConservatively()
    {
        var policy = Statement("Allow", "\"*\"", "{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-1\"}}");

        var result = PolicyEvaluator.Evaluate(PolicyDocument.Parse(Wrap(policy)), Request(null));

        Assert.That(result.Decision, Is.EqualTo(AccessDecision.Allow));
        Assert.That(result.Uncertainties.Single(), Does.Contain("aws:SourceVpce"));
    }

    [Test]
    public void Evaluate_SetOperator_NotEvaluatedAndReported()
    {
        var policy = Statement("Allow", "\"*\"", "{\"ForAnyValue:StringEquals\":{\"s3:x-amz-server-side-encryption\":\"aws:kms\"}}");

        var result = PolicyEvaluator.Evaluate(PolicyDocument.Parse(Wrap(policy)), Request(Partner));

        Assert.That(result.Decision, Is.EqualTo(AccessDecision.Allow));
        Assert.That(result.Uncertainties.Single(), Does.Contain("ForAnyValue:StringEquals"));
    }

    [Test]
    public void Evaluate_FalseConditionBesideUnknownOne_StatementDoesNotApply()
    {
        // One condition that is certainly false makes the whole statement not apply, whatever the unknown one is.
        var policy = Statement("Allow", "\"*\"", "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"},\"Bool\":{\"aws:SecureTransport\":\"false\"}}");

        var result = PolicyEvaluator.Evaluate(PolicyDocument.Parse(Wrap(policy)), Request(Partner, context: Context(("aws:SecureTransport", "true"))));

        Assert.That(result.Decision, Is.EqualTo(AccessDecision.ImplicitDeny));
        Assert.That(result.Uncertainties, Is.Empty);
    }

    [Test]
    public void Evaluate_ConditionKeyNameCase_IsIgnored()
    {
        var policy = $"[{Statement("Allow", "\"*\"")},{Statement("Deny", "\"*\"", "{\"Bool\":{\"AWS:securetransport\":\"false\"}}")}]";

        Assert.That(Decide(policy, Partner, context: Context(("aws:SecureTransport", "false"))), Is.EqualTo(AccessDecision.ExplicitDeny));
    }

    private static string Allow(string principal) => Statement("Allow", principal);

    private static string Statement(string effect, string principal, string? condition = null) =>
        $"{{\"Effect\":\"{effect}\",\"Principal\":{principal},\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::inbox/*\"{(condition is null ? string.Empty : ",\"Condition\":" + condition)}}}";

    private static string Wrap(string statements) => $"{{\"Version\":\"2012-10-17\",\"Statement\":{(statements.StartsWith('[') ? statements : "[" + statements + "]")}}}";

    private static AccessDecision Decide(string statements, string? principal, string action = "s3:PutObject", string resource = Object, Dictionary<string, string>? context = null) =>
        PolicyEvaluator.Evaluate(PolicyDocument.Parse(Wrap(statements)), Request(principal, action, resource, context)).Decision;

    private static AccessRequest Request(string? principal, string action = "s3:PutObject", string resource = Object, Dictionary<string, string>? context = null) =>
        new() { PrincipalArn = principal, Action = action, Resource = resource, Context = context ?? Context(("aws:SecureTransport", "true")) };

    private static Dictionary<string, string> Context(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
}
