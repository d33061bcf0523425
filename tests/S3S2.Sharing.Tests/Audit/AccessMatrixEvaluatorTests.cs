using S3S2.Sharing.Audit;
using S3S2.Sharing.Audit.Evaluation;

namespace S3S2.Sharing.Tests.Audit;

[TestFixture]
public sealed class AccessMatrixEvaluatorTests
{
    private const string Rider = "arn:aws:iam::111122223333:role/BigDataRider";

    [Test]
    public void Evaluate_AllowWithUnknownCondition_MarkedUncertainAndReportedAsWorstCase()
    {
        var evaluator = Evaluator("""{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::inbox/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}""");

        var rows = evaluator.Evaluate();

        var cell = rows.Single(r => r.Subject == "anonymous").Checks.Single(c => c.Name == "get-other");
        Assert.That(cell.Outcome, Is.EqualTo(AccessOutcome.Allowed));
        Assert.That(cell.Uncertainties.Single(), Does.Contain("aws:SourceIp"));
        var finding = evaluator.Findings.Single(f => f.Control == "S3.2");
        Assert.That(finding.Severity, Is.EqualTo(FindingSeverity.Critical));
        Assert.That(finding.Evidence, Does.Contain("Worst case assumed"));
    }

    [Test]
    public void Evaluate_GrantToPrincipalNotAPartner_WarnsNamingIt()
    {
        var evaluator = Evaluator("""{"Sid":"Vendor","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::555555555555:role/Vendor"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::inbox/*"}""");

        evaluator.Evaluate();

        var finding = evaluator.Findings.Single(f => f.Control == "S3.6");
        Assert.That(finding.Severity, Is.EqualTo(FindingSeverity.Warning));
        Assert.That(finding.Title, Does.Contain("arn:aws:iam::555555555555:role/Vendor").And.Contain("not a listed partner"));
        Assert.That(finding.Evidence, Does.Contain("statement 'Vendor' allows s3:GetObject"));
    }

    [Test]
    public void Evaluate_GrantInTheReceiversOwnAccount_IsInformational()
    {
        var options = Options();
        options.ExpectedKmsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/1";
        var evaluator = new AccessMatrixEvaluator(Parse("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/Reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::inbox/*"}"""), options);

        evaluator.Evaluate();

        Assert.That(evaluator.Findings.Single(f => f.Control == "S3.6").Severity, Is.EqualTo(FindingSeverity.Informational));
    }

    [Test]
    public void Evaluate_PartnerMayAdministerTheBucket_Critical()
    {
        var evaluator = Evaluator($$"""{"Effect":"Allow","Principal":{"AWS":"{{Rider}}"},"Action":"s3:*","Resource":["arn:aws:s3:::inbox","arn:aws:s3:::inbox/partners/BigDataRider/*"]}""");

        evaluator.Evaluate();

        Assert.That(evaluator.Findings.Where(f => f.Control == "S3.6" && f.Severity == FindingSeverity.Critical).Select(f => f.Title), Has.Some.Contains("s3:PutBucketPolicy"));
        Assert.That(evaluator.Findings.Where(f => f.Severity == FindingSeverity.Critical).Select(f => f.Title), Has.Some.Contains("may list another partner's files"));
    }

    [Test]
    public void Evaluate_OnePartner_ComparesWithAHypotheticalOtherPrefix()
    {
        var evaluator = Evaluator("""{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::inbox/partners/*"}""");

        var rows = evaluator.Evaluate();

        Assert.That(rows[0].Checks.Single(c => c.Name == "put-other").Request, Does.Contain("partners/s3s2-audit-other/"));
        Assert.That(evaluator.Findings.Where(f => f.Severity == FindingSeverity.Critical).Select(f => f.Control), Is.EquivalentTo(new[] { "access-matrix", "S3.3", "S3.6" }));
    }

    private static AccessMatrixEvaluator Evaluator(string statement) => new(Parse(statement), Options());

    private static PolicyDocument Parse(string statement) => PolicyDocument.Parse($$"""{"Version":"2012-10-17","Statement":[{{statement}}]}""");

    private static BucketAuditOptions Options()
    {
        var options = new BucketAuditOptions { Bucket = "inbox" };
        options.Partners["BigDataRider"] = Rider;
        return options;
    }
}
