using System.Text.Json.Nodes;
using S3S2.Sharing.Queue;

namespace S3S2.Sharing.Tests.Queue;

[TestFixture]
public sealed class S3EventNotificationTests
{
    [Test]
    public void Parse_TestEvent_ReturnsNull()
    {
        var body = """{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-30T10:00:00.000Z","Bucket":"awesomeai-inbox","RequestId":"R","HostId":"H"}""";

        Assert.That(S3EventNotification.Parse(body), Is.Null);
    }

    [Test]
    public void Parse_ObjectCreatedRecord_KeyUrlDecodedWithPlusAsSpace()
    {
        var body = Record("ObjectCreated:Put", "awesomeai-inbox", "partners/Big+Data/r%C3%A9gion%2Bx/20261127T004512345Z-1a2b3c4d.manifest.json.gpg");

        var events = S3EventNotification.Parse(body);

        Assert.That(events, Is.EqualTo(new[] { new S3ObjectEvent("ObjectCreated:Put", "awesomeai-inbox", "partners/Big Data/région+x/20261127T004512345Z-1a2b3c4d.manifest.json.gpg") }));
        Assert.That(events![0].IsObjectCreated, Is.True);
    }

    [Test]
    public void Parse_WrappedBySns_ReadsTheInnerNotification()
    {
        var inner = Record("ObjectCreated:CompleteMultipartUpload", "b", "partners/a/x.manifest.json.encrypted");
        var body = new JsonObject { ["Type"] = "Notification", ["MessageId"] = "m", ["Message"] = inner }.ToJsonString();

        Assert.That(S3EventNotification.Parse(body)!.Single().Key, Is.EqualTo("partners/a/x.manifest.json.encrypted"));
    }

    [Test]
    public void Parse_RemovedEvent_IsNotObjectCreated()
    {
        Assert.That(S3EventNotification.Parse(Record("ObjectRemoved:Delete", "b", "k"))!.Single().IsObjectCreated, Is.False);
    }

    [TestCase("not json", "not an S3 event notification")]
    [TestCase("{}", "no 'Records'")]
    [TestCase("""{"Records":[]}""", "no 'Records'")]
    [TestCase("""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"}}}]}""", "s3.object.key")]
    [TestCase("""{"Records":[{"eventSource":"aws:sqs","eventName":"x","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]}""", "source 'aws:sqs'")]
    public void Parse_NotAnS3Notification_ThrowsFormatExceptionNamingWhy(string body, string why)
    {
        Assert.That(() => S3EventNotification.Parse(body), Throws.TypeOf<FormatException>().With.Message.Contains(why));
    }

    private static string Record(string eventName, string bucket, string encodedKey) => new JsonObject
    {
        ["Records"] = new JsonArray(new JsonObject
        {
            ["eventVersion"] = "2.1",
            ["eventSource"] = "aws:s3",
            ["awsRegion"] = "us-east-1",
            ["eventTime"] = "2026-11-30T10:00:00.000Z",
            ["eventName"] = eventName,
            ["s3"] = new JsonObject
            {
                ["s3SchemaVersion"] = "1.0",
                ["bucket"] = new JsonObject { ["name"] = bucket, ["arn"] = "arn:aws:s3:::" + bucket },
                ["object"] = new JsonObject { ["key"] = encodedKey, ["size"] = 1234, ["eTag"] = "e" },
            },
        }),
    }.ToJsonString();
}
