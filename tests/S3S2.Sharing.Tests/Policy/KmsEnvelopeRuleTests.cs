using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Tests.Encryption.Kms;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Policy;

[TestFixture]
public sealed class KmsEnvelopeRuleTests
{
    private string _first = string.Empty;
    private string _second = string.Empty;
    private byte[] _twoKeyMessage = [];

    [OneTimeSetUp]
    public async Task EncryptOnce()
    {
        (_first, _second) = (LocalKmsServer.Instance.CreateKey(), LocalKmsServer.Instance.CreateKey());
        _twoKeyMessage = await KmsTestMessages.EncryptAsync(TestData.Csv(50), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, [_first, _second]);
    }

    [Test]
    public void Check_ExactlyTheConfiguredKeys_Allows() =>
        Assert.That(new KmsEnvelopeRule([_second, _first]).Check(_twoKeyMessage, isWholeBody: true), Is.Null);

    [Test]
    public async Task Check_SignedSuite_Allows()
    {
        var signed = await KmsTestMessages.EncryptAsync([1], KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, 4096, [_first]);

        Assert.That(new KmsEnvelopeRule([_first]).Check(signed, isWholeBody: true), Is.Null);
    }

    [Test]
    public void Check_MessageHasAnExtraKey_RefusesNamingBothSets()
    {
        var problem = new KmsEnvelopeRule([_first]).Check(_twoKeyMessage, isWholeBody: true);

        Assert.That(problem, Does.Contain(_second).And.Contain("configured keys are [" + _first + "]"));
    }

    [Test]
    public void Check_MessageLacksAConfiguredKey_Refuses()
    {
        var third = LocalKmsServer.UnknownKeyArn();

        Assert.That(new KmsEnvelopeRule([_first, _second, third]).Check(_twoKeyMessage, isWholeBody: true), Does.Contain(third));
    }

    [Test]
    public void Check_Plaintext_Refuses() =>
        Assert.That(new KmsEnvelopeRule([_first]).Check("id,name\n1,acme\n"u8, isWholeBody: true), Does.Contain("not an AWS Encryption SDK message"));

    [Test]
    public void Check_Version1Message_Refuses()
    {
        var version1 = (byte[])_twoKeyMessage.Clone();
        version1[0] = 0x01;

        Assert.That(new KmsEnvelopeRule([_first, _second]).Check(version1, isWholeBody: true), Does.Contain("version 1"));
    }

    [TestCase(0x0178)]
    [TestCase(0x0014)]
    [TestCase(0x0378)]
    public void Check_NonCommittingSuite_Refuses(int suite)
    {
        var other = (byte[])_twoKeyMessage.Clone();
        (other[1], other[2]) = ((byte)(suite >> 8), (byte)suite);

        Assert.That(new KmsEnvelopeRule([_first, _second]).Check(other, isWholeBody: true), Does.Contain("is not allowed"));
    }

    [Test]
    public void Check_HeaderCutShort_Refuses() =>
        Assert.That(new KmsEnvelopeRule([_first, _second]).Check(_twoKeyMessage.AsSpan(0, 60), isWholeBody: true), Does.Contain("ends inside"));

    [Test]
    public void Check_Empty_Refuses() =>
        Assert.That(new KmsEnvelopeRule([_first]).Check([], isWholeBody: true), Does.Contain("empty"));

    [Test]
    public void Check_ProviderOtherThanKms_Refuses()
    {
        var header = EsdkHeader.TryParse(_twoKeyMessage, out _)!;
        var tampered = (byte[])_twoKeyMessage.Clone();
        var providerAt = tampered.AsSpan().IndexOf("aws-kms"u8);
        "raw-aes"u8.CopyTo(tampered.AsSpan(providerAt));

        Assert.That(header.EncryptedDataKeys, Has.Count.EqualTo(2));
        Assert.That(new KmsEnvelopeRule([_first, _second]).Check(tampered, isWholeBody: true), Does.Contain("provider 'raw-aes'"));
    }
}
