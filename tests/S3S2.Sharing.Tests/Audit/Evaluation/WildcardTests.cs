using S3S2.Sharing.Audit.Evaluation;

namespace S3S2.Sharing.Tests.Audit.Evaluation;

[TestFixture]
public sealed class WildcardTests
{
    [TestCase("*", "", true)]
    [TestCase("a*c", "abbbc", true)]
    [TestCase("a*c", "ab/b:c", true)]
    [TestCase("a*c", "abcd", false)]
    [TestCase("a?c", "abc", true)]
    [TestCase("a?c", "ac", false)]
    [TestCase("*b*b*", "abxxb", true)]
    [TestCase("ABC", "abc", false)]
    public void IsMatch_CaseSensitive(string pattern, string value, bool expected)
    {
        Assert.That(Wildcard.IsMatch(pattern, value, ignoreCase: false), Is.EqualTo(expected));
    }

    [Test]
    public void IsMatch_IgnoreCase_MatchesOtherCase()
    {
        Assert.That(Wildcard.IsMatch("S3:get*", "s3:GetObject", ignoreCase: true), Is.True);
    }

    [TestCase("arn:aws:iam::*:role/x", "arn:aws:iam::111122223333:role/x", true)]
    [TestCase("arn:aws:iam::*", "arn:aws:iam::111122223333:role/x", false)]
    [TestCase("arn:aws:iam::111122223333:*", "arn:aws:iam::111122223333:role/x/y", true)]
    [TestCase("arn:aws:iam::111122223333:role/x", "not-an-arn", false)]
    public void IsArnMatch_MatchesEachPartOnItsOwn(string pattern, string arn, bool expected)
    {
        Assert.That(Wildcard.IsArnMatch(pattern, arn), Is.EqualTo(expected));
    }
}
