using System.Text;
using System.Text.Json.Nodes;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Profiles;

[TestFixture]
public sealed class ShareProfileSerializerTests
{
    internal const string SseKey = "arn:aws:kms:eu-west-1:111122223333:key/0c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5";

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

    [Test]
    public void Read_OldFormatRequiredSseKmsKeyId_ReadsAsRequiredSseKmsAndWritesTheNewForm()
    {
        // A profile as 's3s2 init --sse-kms-key' wrote it before ServerSideEncryption existed; partners hold such files.
        var json = JsonNode.Parse(Serialize(Valid()))!.AsObject();
        json["requiredSseKmsKeyId"] = SseKey;

        var read = ShareProfileSerializer.Read(new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString())));
        var written = JsonNode.Parse(Serialize(read))!.AsObject();

        var sse = read.ServerSideEncryption!;
        Assert.That((sse.Method, sse.KmsKeyId, sse.Required, sse.AllowedKmsKeyIds), Is.EqualTo((ServerSideEncryptionMethod.Kms, SseKey, true, new[] { SseKey })));
        Assert.That(written.ContainsKey("requiredSseKmsKeyId"), Is.False);
        Assert.That(written["serverSideEncryption"]!.ToJsonString(), Is.EqualTo($"{{\"method\":\"Kms\",\"kmsKeyId\":\"{SseKey}\",\"required\":true,\"allowedKmsKeyIds\":[\"{SseKey}\"]}}"));
    }

    [Test]
    public void Read_NewFormServerSideEncryption_RoundTrips()
    {
        var profile = Valid();
        profile.ServerSideEncryption = new ServerSideEncryptionOptions { Method = ServerSideEncryptionMethod.S3Managed, Required = true };

        var read = ShareProfileSerializer.Read(new MemoryStream(Serialize(profile)));

        Assert.That((read.ServerSideEncryption!.Method, read.ServerSideEncryption.KmsKeyId, read.ServerSideEncryption.Required), Is.EqualTo((ServerSideEncryptionMethod.S3Managed, (string?)null, true)));
    }

    [TestCase("{\"method\":\"Kms\",\"kmsKeyId\":\"   \"}", "serverSideEncryption.kmsKeyId is blank")]
    [TestCase("{\"method\":\"None\",\"required\":true}", "server-side encryption is required (serverSideEncryption.required = true) but serverSideEncryption.method is None")]
    [TestCase("{\"method\":\"S3Managed\",\"kmsKeyId\":\"k\"}", "serverSideEncryption.kmsKeyId 'k' is set but serverSideEncryption.method is S3Managed")]
    public void Read_BadServerSideEncryption_NamesTheField(string sse, string expected)
    {
        var json = JsonNode.Parse(Serialize(Valid()))!;
        json["serverSideEncryption"] = JsonNode.Parse(sse);

        var error = Assert.Throws<ShareProfileException>(() => ShareProfileSerializer.Read(new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString()))));

        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void Read_BothOldAndNewServerSideEncryption_IsRefused()
    {
        var json = JsonNode.Parse(Serialize(Valid()))!;
        json["requiredSseKmsKeyId"] = SseKey;
        json["serverSideEncryption"] = JsonNode.Parse("{\"method\":\"S3Managed\"}");

        var error = Assert.Throws<ShareProfileException>(() => ShareProfileSerializer.Read(new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString()))));

        Assert.That(error!.Message, Does.Contain("both requiredSseKmsKeyId (the older form) and serverSideEncryption; keep serverSideEncryption"));
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
