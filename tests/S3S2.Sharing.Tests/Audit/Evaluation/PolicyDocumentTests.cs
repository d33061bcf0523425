using S3S2.Sharing.Audit.Evaluation;

namespace S3S2.Sharing.Tests.Audit.Evaluation;

[TestFixture]
public sealed class PolicyDocumentTests
{
    [TestCase("not json", "not valid JSON")]
    [TestCase("{}", "no \"Statement\"")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Permit\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}", "Effect \"Permit\"")]
    [TestCase("{\"Statement\":[{\"Sid\":\"Two\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotPrincipal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}", "statement 'Two': give exactly one of Principal and NotPrincipal")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"*\"}]}", "statement 1: give exactly one of Action and NotAction")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"someone\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}", "must be \"*\"")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":\"x\"}}]}", "must map condition keys")]
    public void Parse_NotAPolicy_RefusesNamingTheProblem(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => PolicyDocument.Parse(json));

        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void Parse_Statement_ReadsEveryElement()
    {
        var policy = PolicyDocument.Parse("""
            {"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::444455556666:root"],"Service":"s3.amazonaws.com"},
              "NotAction":"s3:PutObject","NotResource":["arn:aws:s3:::b/p/*"],"Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":["aws:kms","AES256"]}}}]}
            """);

        var statement = policy.Statements.Single();
        Assert.That(statement.IsDeny, Is.True);
        Assert.That(statement.Label, Is.EqualTo("statement 'A'"));
        Assert.That(statement.NotPrincipal!.Aws, Is.EqualTo(new[] { "111122223333", "arn:aws:iam::444455556666:root" }));
        Assert.That(statement.NotPrincipal.Others, Is.EqualTo(new[] { "Service:s3.amazonaws.com" }));
        Assert.That((statement.Actions, statement.ActionsNegated), Is.EqualTo((new[] { "s3:PutObject" }, true)).Using<(IReadOnlyList<string>, bool)>((a, b) => a.Item1.SequenceEqual(b.Item1) && a.Item2 == b.Item2));
        Assert.That(statement.ResourcesNegated, Is.True);
        Assert.That(statement.Conditions.Single(), Is.EqualTo(new PolicyCondition("StringNotEquals", "s3:x-amz-server-side-encryption", statement.Conditions[0].Values)));
        Assert.That(statement.Conditions[0].Values, Is.EqualTo(new[] { "aws:kms", "AES256" }));
    }
}
