using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>The folder destination: owner-only folders and markers, and no link is followed.</summary>
[TestFixture]
[Category("Integration")]
public sealed class FolderFileSinkTests
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ReceiveAllAsync_NewShare_FoldersAre0700AndMarkerIs0600()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(10)), "sub/dir/a.csv");
        var output = bed.Output.Combine("inbox");

        var results = await bed.Receiver().ReceiveAllAsync(output);

        Assert.That(results.Single().Status, Is.EqualTo(ReceiveStatus.Received));
        Assert.That(File.GetUnixFileMode(output), Is.EqualTo(OwnerOnlyFolder));
        Assert.That(File.GetUnixFileMode(Path.Combine(output, receipt.ShareId)), Is.EqualTo(OwnerOnlyFolder));
        Assert.That(File.GetUnixFileMode(Path.Combine(output, receipt.ShareId, "sub")), Is.EqualTo(OwnerOnlyFolder));
        Assert.That(File.GetUnixFileMode(Path.Combine(output, receipt.ShareId, "sub", "dir")), Is.EqualTo(OwnerOnlyFolder));
        Assert.That(File.GetUnixFileMode(Path.Combine(output, receipt.ShareId + ".received")), Is.EqualTo(OwnerOnlyFile));
    }

    [Test]
    public async Task ReceiveShareAsync_MarkerPathIsALink_RefusedAndTheLinkedFileUntouched()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var elsewhere = new TempDirectory();
        var victim = elsewhere.WriteFile("victim.txt", "precious"u8.ToArray());
        var receipt = await bed.Sharer().ShareStreamAsync(new MemoryStream(TestData.Csv(10)), "a.csv");
        File.CreateSymbolicLink(bed.Output.Combine(receipt.ShareId + ".received"), victim);

        var result = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Failed));
        Assert.That(result.Error, Does.Contain("is a link"));
        Assert.That(await File.ReadAllTextAsync(victim), Is.EqualTo("precious"));
        Assert.That(new FileInfo(bed.Output.Combine(receipt.ShareId + ".received")).LinkTarget, Is.EqualTo(victim));
    }
}
