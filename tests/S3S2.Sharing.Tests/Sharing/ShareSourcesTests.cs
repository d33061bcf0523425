using S3S2.Sharing.Sharing;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Sharing;

[TestFixture]
public sealed class ShareSourcesTests
{
    [Test]
    public void FromPaths_NestedDirectory_RelativePathsWithSlashesInOrder()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("b.csv", [1]);
        dir.WriteFile("a/z.csv", [2]);
        dir.WriteFile("a/b/c.csv", []);

        var sources = ShareSources.FromPaths([dir.Path], []);

        Assert.That(sources.Select(s => s.RelativePath), Is.EqualTo(new[] { "a/b/c.csv", "a/z.csv", "b.csv" }));
    }

    [Test]
    public void FromPaths_FileWhereADirectorysFilesNeedAFolder_RefusedBeforeAnythingIsRead()
    {
        using var one = new TempDirectory();
        var file = one.WriteFile("a", [1]);
        using var dir = new TempDirectory();
        dir.WriteFile("a/z.csv", [2]);

        var refused = Assert.Throws<ArgumentException>(() => ShareSources.FromPaths([file, dir.Path], []));

        Assert.That(refused!.Message, Does.Contain("'a").And.Contain("folder"));
    }

    [Test]
    public void FromPaths_SymlinksOutsideTheDirectory_AreNotFollowed()
    {
        using var outside = new TempDirectory();
        var secret = outside.WriteFile("secret.txt", [9]);
        using var dir = new TempDirectory();
        dir.WriteFile("data/a.csv", [1]);
        File.CreateSymbolicLink(dir.Combine("data", "leak.txt"), secret);
        Directory.CreateSymbolicLink(dir.Combine("data", "leakdir"), outside.Path);
        File.CreateSymbolicLink(dir.Combine("data", "dangling"), dir.Combine("nope"));
        var skipped = new List<string>();

        var sources = ShareSources.FromPaths([dir.Combine("data")], skipped);

        Assert.That(sources.Select(s => s.RelativePath), Is.EqualTo(new[] { "a.csv" }));
        Assert.That(skipped, Is.EquivalentTo(new[] { "leak.txt", "leakdir", "dangling" }));
    }

    [Test]
    public void FromPaths_LinkThroughAnotherLinkLeadingOutside_IsNotFollowed()
    {
        using var outside = new TempDirectory();
        outside.WriteFile("passwd", [9]);
        using var dir = new TempDirectory();
        dir.WriteFile("data/a.csv", [1]);
        Directory.CreateSymbolicLink(dir.Combine("data", "b"), outside.Path);
        File.CreateSymbolicLink(dir.Combine("data", "a"), Path.Combine("b", "passwd"));
        Directory.CreateSymbolicLink(dir.Combine("data", "c"), "b");
        var skipped = new List<string>();

        var sources = ShareSources.FromPaths([dir.Combine("data")], skipped);

        Assert.That(sources.Select(s => s.RelativePath), Is.EqualTo(new[] { "a.csv" }));
        Assert.That(skipped, Is.EquivalentTo(new[] { "a", "b", "c" }));
    }

    [TestCase("CON.csv")]
    [TestCase("report:2026.csv")]
    [TestCase("trailing-dot.")]
    [TestCase(".a.csv.0123.partial")]
    public void FromStream_NameTheReceiverWouldRefuse_IsRefusedBeforeSharing(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => ShareSources.FromStream(new MemoryStream(), name));

        Assert.That(error!.Message, Does.Contain(name).And.Contain("Rename"));
    }

    [Test]
    public void FromPaths_SymlinkInsideTheDirectory_IsFollowedWithoutLooping()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("real/a.csv", [1]);
        File.CreateSymbolicLink(dir.Combine("alias.csv"), dir.Combine("real", "a.csv"));
        Directory.CreateSymbolicLink(dir.Combine("real", "loop"), dir.Path);

        var sources = ShareSources.FromPaths([dir.Path], []);

        Assert.That(sources.Select(s => s.RelativePath), Is.EqualTo(new[] { "alias.csv", "real/a.csv" }));
    }

    [Test]
    public void FromPaths_NamesCollidingAfterCaseFolding_ThrowsNamingBoth()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("Orders.csv", [1]);
        dir.WriteFile("orders.csv", [2]);

        var error = Assert.Throws<ArgumentException>(() => ShareSources.FromPaths([dir.Path], []));

        Assert.That(error!.Message, Does.Contain("'Orders.csv'").And.Contain("'orders.csv'"));
    }

    [Test]
    public void FromPaths_MissingPath_ThrowsFileNotFound()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ShareSources.FromPaths(["/no/such/file.csv"], []));

        Assert.That(error!.Message, Does.Contain("'/no/such/file.csv' does not exist"));
    }

    [Test]
    public void FromPaths_EmptyDirectory_ThrowsNothingToShare()
    {
        using var dir = new TempDirectory();

        Assert.Throws<ArgumentException>(() => ShareSources.FromPaths([dir.Path], []));
    }

    [TestCase("../up.csv")]
    [TestCase("/abs.csv")]
    [TestCase("a\\b.csv")]
    [TestCase("a//b.csv")]
    public void FromStream_BadName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => ShareSources.FromStream(new MemoryStream(), name));
    }

    [Test]
    public void FromPaths_FileNameTheReceiverCouldNotWriteUnderATemporaryName_RefusedNamingTheLimit()
    {
        // 229 characters: allowed by the file system, but the receiver's temporary name for it would pass 255 bytes.
        using var dir = new TempDirectory();
        dir.WriteFile(new string('n', 225) + ".csv", [1]);

        var error = Assert.Throws<ArgumentException>(() => ShareSources.FromPaths([dir.Path], []));

        Assert.That(error!.Message, Does.Contain("229 UTF-8 bytes").And.Contain("at most 200").And.Contain("Shorten the name"));
    }

    [Test]
    public void FromPaths_Fifo_RefusedNamingTheKindWithoutOpeningIt()
    {
        using var dir = new TempDirectory();
        var fifo = MakeFifo(dir.Combine("orders.csv"));

        // Opening a FIFO with no writer blocks: the refusal must come from the file's type, before any open.
        var error = Assert.Throws<ArgumentException>(() => ShareSources.FromPaths([fifo], []));

        Assert.That(error!.Message, Does.Contain("is a FIFO (named pipe), not a regular file").And.Contain("ShareStreamAsync"));
    }

    [Test]
    public void FromPaths_FifoInsideADirectory_Refused()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("data/a.csv", [1]);
        MakeFifo(dir.Combine("data", "pipe"));

        var error = Assert.Throws<ArgumentException>(() => ShareSources.FromPaths([dir.Combine("data")], []));

        Assert.That(error!.Message, Does.Contain("pipe").And.Contain("FIFO"));
    }

    [Test]
    public void FromPaths_CharacterDevice_Refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ShareSources.FromPaths(["/dev/zero"], []));

        Assert.That(error!.Message, Does.Contain("is a character device"));
    }

    private static string MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.Zero, "mkfifo failed");
        return path;
    }
}
