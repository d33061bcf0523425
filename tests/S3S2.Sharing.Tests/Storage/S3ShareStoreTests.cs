using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Moq;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Tests.Storage;

[TestFixture]
public sealed class S3ShareStoreTests
{
    private static readonly string[] ExpectedObjects = ["in/20261127T000000000Z-00000001.manifest.json.gpg"];
    private static readonly string[] ExpectedFolders = ["in/20261127T000000000Z-00000001", "in/20261127T000000000Z-00000002"];

    [Test]
    public async Task ListAsync_TruncatedPagesAndNullCollections_ListsEveryPageWithDelimiter()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        var requests = new List<(string BucketName, string Prefix, string Delimiter, string? Token)>();
        var first = new ListObjectsV2Response
        {
            S3Objects = [new S3Object { Key = "in/20261127T000000000Z-00000001.manifest.json.gpg" }],
            CommonPrefixes = ["in/20261127T000000000Z-00000001/"],
            IsTruncated = true,
            NextContinuationToken = "page2",
        };
        var second = new ListObjectsV2Response { S3Objects = null, CommonPrefixes = ["in/20261127T000000000Z-00000002/"], IsTruncated = false };
        s3.Setup(c => c.ListObjectsV2Async(It.IsAny<ListObjectsV2Request>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ListObjectsV2Request r, CancellationToken _) =>
            {
                requests.Add((r.BucketName, r.Prefix, r.Delimiter, r.ContinuationToken));
                return r.ContinuationToken is null ? first : second;
            });
        var store = new S3ShareStore(s3.Object, ownsClient: false, "bucket");

        var listing = await store.ListAsync("in", CancellationToken.None);

        Assert.That(listing.ObjectKeys, Is.EqualTo(ExpectedObjects));
        Assert.That(listing.Folders, Is.EqualTo(ExpectedFolders));
        Assert.That(requests.Select(r => (r.BucketName, r.Prefix, r.Delimiter)), Is.All.EqualTo(("bucket", "in/", "/")));
        Assert.That(requests.Select(r => r.Token), Is.EqualTo(new[] { null, "page2" }));
    }

    [Test]
    public async Task OpenReadAsync_MissingObject_ObjectNotFoundNamingTheKey()
    {
        var s3 = new Mock<IAmazonS3>();
        s3.Setup(c => c.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("The specified key does not exist.") { StatusCode = HttpStatusCode.NotFound });
        var store = new S3ShareStore(s3.Object, ownsClient: false, "bucket");

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync("in/x.gpg", CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("'in/x.gpg'").And.Contain("bucket 'bucket'"));
    }

    [Test]
    public void Dispose_HostsClient_NotDisposed()
    {
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);

        new S3ShareStore(s3.Object, ownsClient: false, "bucket").Dispose();

        s3.Verify(c => c.Dispose(), Times.Never);
    }
}
