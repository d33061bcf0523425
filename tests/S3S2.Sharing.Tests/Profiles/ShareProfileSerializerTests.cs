using System.Text;
using System.Text.Json.Nodes;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Profiles;

[TestFixture]
public sealed class ShareProfileSerializerTests
{
    [Test]
    public void Read_WhatWriteWrote_RoundTrips()
    {
        var profile = Valid();

        var read = ShareProfileSerializer.Read(new MemoryStream(Serialize(profile)));

        Assert.That((read.Bucket, read.Prefix, read.Region, read.ExpireDays), Is.EqualTo((profile.Bucket, profile.Prefix, profile.Region, profile.ExpireDays)));
        Assert.That(read.Encryption.OpenPgpKeys.Single().Fingerprint, Is.EqualTo(TestKeys.Receiver.Fingerprint));
    }

    [TestCase("bucket", "Bad_Bucket", "bucket 'Bad_Bucket' is not a valid S3 bucket name")]
    [TestCase("region", "europe", "region 'europe' is not an AWS region name")]
    [TestCase("prefix", "a/../b", "prefix 'a/../b' has an empty, '.' or '..' segment")]
    [TestCase("serviceUrl", "not a url", "serviceUrl 'not a url' is not an absolute URL")]
    [TestCase("expireDays", -1, "expireDays -1 must be positive")]
    [TestCase("formatVersion", 0, "formatVersion 0 is not a profile version")]
    public void Read_BadField_NamesTheFieldAndValue(string field, object value, string expected)
    {
        var json = JsonNode.Parse(Serialize(Valid()))!;
        json[field] = JsonValue.Create(value);

        var error = Assert.Throws<ShareProfileException>(() => ShareProfileSerializer.Read(new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString()))));

        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void Read_SeveralBadFields_ListsThemAll()
    {
        var profile = Valid();
        profile.Bucket = "X";
        profile.Region = "mars";
        profile.Encryption.Mode = "rot13";

        var error = Assert.Throws<ShareProfileException>(() => ShareProfileSerializer.Read(new MemoryStream(Serialize(profile))));

        Assert.That(error!.Message, Does.Contain("bucket 'X'").And.Contain("region 'mars'").And.Contain("encryption.mode 'rot13' is unknown"));
    }

    [Test]
    public void Read_NewerFormatVersion_AsksToUpdate()
    {
        var profile = Valid();
        profile.FormatVersion = 2;

        var error = Assert.Throws<ShareProfileException>(() => ShareProfileSerializer.Read(new MemoryStream(Serialize(profile))));

        Assert.That(error!.Message, Does.Contain("format version 2, newer than this library reads (1)").And.Contain("Update"));
    }

    [Test]
    public void Read_Expired_SaysWhen()
    {
        var profile = Valid();
        profile.CreatedUtc = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        profile.ExpireDays = 10;

        var error = Assert.Throws<ShareProfileException>(() => ShareProfileSerializer.Read(new MemoryStream(Serialize(profile)), new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.That(error!.Message, Does.Contain("expired on 2026-01-11"));
    }

    [Test]
    public void Read_EmbeddedKeyDiffersFromPin_IsAPolicyRefusal()
    {
        var profile = Valid();
        profile.Encryption.OpenPgpKeys[0].PublicKey = TestKeys.Attacker.PublicKeyArmored;

        var error = Assert.Throws<SharePolicyException>(() => ShareProfileSerializer.Read(new MemoryStream(Serialize(profile))));

        Assert.That(error!.Message, Does.Contain(TestKeys.Attacker.Fingerprint).And.Contain(TestKeys.Receiver.Fingerprint).And.Contain("altered"));
    }

    [Test]
    public void Read_SecretKeyEmbedded_IsRefused()
    {
        var profile = Valid();
        profile.Encryption.OpenPgpKeys[0].PublicKey = TestKeys.Receiver.SecretKeyArmored;

        Assert.That(() => ShareProfileSerializer.Read(new MemoryStream(Serialize(profile))), Throws.InstanceOf<ShareProfileException>().Or.InstanceOf<S3S2.Sharing.Encryption.EncryptionKeyException>());
    }

    [Test]
    public void Read_NotJson_SaysSo()
    {
        var error = Assert.Throws<ShareProfileException>(() => ShareProfileSerializer.Read(new MemoryStream("bucket: x"u8.ToArray())));

        Assert.That(error!.Message, Does.Contain("not valid profile JSON"));
    }

    [Test]
    public void Read_MissingFile_NamesThePath()
    {
        var error = Assert.Throws<ShareProfileException>(() => ShareProfileSerializer.Read("/nonexistent/profile.json"));

        Assert.That(error!.Message, Does.Contain("/nonexistent/profile.json"));
    }

    internal static ShareProfile Valid() => new()
    {
        Receiver = "AwesomeAI",
        Bucket = "awesomeai-inbox",
        Region = "eu-west-1",
        Prefix = "partners/bigdatarider",
        Encryption = new ShareProfileEncryption
        {
            Mode = ShareProfileEncryption.OpenPgpMode,
            OpenPgpKeys = ShareProfileKey.FromPublicKeys(OpenPgpKeySource.FromArmoredString(TestKeys.Receiver.PublicKeyArmored)).ToList(),
        },
        CreatedUtc = DateTimeOffset.UtcNow,
        ExpireDays = 30,
    };

    internal static byte[] Serialize(ShareProfile profile)
    {
        using var buffer = new MemoryStream();
        ShareProfileSerializer.Write(profile, buffer);
        return buffer.ToArray();
    }
}
