using S3S2.Sharing.IO;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests.Storage;

[TestFixture]
public sealed class LocalFolderStoreTests
{
    [Test]
    public async Task UploadAsync_WritesTheObjectAtItsKey()
    {
        using var folder = new TempDirectory();
        var content = TestData.Random(200_000, 1);

        await new LocalFolderStore(folder.Path).UploadAsync(Request("p/s/a b/é.csv.gpg", new MemoryStream(content)));

        Assert.That(await File.ReadAllBytesAsync(folder.Combine("p", "s", "a b", "é.csv.gpg")), Is.EqualTo(content));
    }

    [Test]
    public async Task UploadAsync_BodyFailsMidway_LeavesNoFileAtAll()
    {
        using var folder = new TempDirectory();
        var body = new NonSeekableStream(TestData.Random(300_000, 2), new IOException("source vanished"));

        await Assert.ThrowsAsync<IOException>(() => new LocalFolderStore(folder.Path).UploadAsync(Request("p/x.gpg", body)));

        Assert.That(Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task UploadAsync_ObjectAlreadyThere_ThrowsAndKeepsTheOldFile()
    {
        using var folder = new TempDirectory();
        var store = new LocalFolderStore(folder.Path);
        await store.UploadAsync(Request("p/x.gpg", new MemoryStream([1, 2, 3])));

        await Assert.ThrowsAsync<IOException>(() => store.UploadAsync(Request("p/x.gpg", new MemoryStream([4, 5]))));

        Assert.That(await File.ReadAllBytesAsync(folder.Combine("p", "x.gpg")), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories), Has.Length.EqualTo(1));
    }

    private static UploadRequest Request(string key, Stream body) =>
        new(null, key, "application/octet-stream", new Dictionary<string, string>(), ServerSideEncryptionMethod.None, null, new PrefixedStream([], 0, body));
}
