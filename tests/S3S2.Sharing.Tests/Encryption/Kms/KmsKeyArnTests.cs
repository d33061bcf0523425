using System.Text.RegularExpressions;
using S3S2.Sharing.Encryption.Kms;

namespace S3S2.Sharing.Tests.Encryption.Kms;

/// <summary>Key ARNs and region names are told apart exactly as the pattern AWS documents for region names says.</summary>
[TestFixture]
public sealed class KmsKeyArnTests
{
    private static readonly Regex RegionPattern = new("^[a-z]{2}(-[a-z]+)+-[0-9]+\\z", RegexOptions.CultureInvariant);

    [TestCase("eu-west-1", true)]
    [TestCase("us-east-1", true)]
    [TestCase("us-gov-east-1", true)]
    [TestCase("ap-southeast-12", true)]
    [TestCase("cn-north-1", true)]
    [TestCase("eu-west", false)]
    [TestCase("eu-1", false)]
    [TestCase("e-west-1", false)]
    [TestCase("eus-west-1", false)]
    [TestCase("eu--west-1", false)]
    [TestCase("eu-west-1a", false)]
    [TestCase("EU-west-1", false)]
    [TestCase("eu-west-", false)]
    [TestCase("-eu-west-1", false)]
    [TestCase("eu-west-1\n", false)]
    [TestCase("eu-wést-1", false)]
    [TestCase("", false)]
    public void IsRegionName_Name_AsTheDocumentedPattern(string name, bool expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(KmsKeyArn.IsRegionName(name), Is.EqualTo(expected));
            Assert.That(RegionPattern.IsMatch(name), Is.EqualTo(expected), "the pattern itself");
        });
    }

    [TestCase("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", true)]
    [TestCase("arn:aws-cn:kms:cn-north-1:111122223333:key/abc", true)]
    [TestCase("arn:aws:kms:eu-west-1:111122223333:alias/shares", false)]
    [TestCase("arn:aws:kms:eu-west:111122223333:key/abc", false)]
    [TestCase("arn:aws:kms:eu-west-1:111122223333:key/", false)]
    [TestCase("1234abcd-12ab-34cd-56ef-1234567890ab", false)]
    [TestCase("arn:aws:s3:eu-west-1:111122223333:key/abc", false)]
    public void IsKeyArn_KeyId_OnlyFullKeyArns(string keyId, bool expected)
    {
        Assert.That(KmsKeyArn.IsKeyArn(keyId), Is.EqualTo(expected));
    }

    [Test]
    public void RegionOf_KeyArn_ItsRegion()
    {
        Assert.Multiple(() =>
        {
            Assert.That(KmsKeyArn.RegionOf("arn:aws:kms:us-gov-east-1:111122223333:key/abc"), Is.EqualTo("us-gov-east-1"));
            Assert.That(KmsKeyArn.RegionOf("arn:aws:kms:made-up:111122223333:key/abc"), Is.Null);
        });
    }
}
