using S3S2.Sharing.Manifest;

namespace S3S2.Sharing.Tests.Manifest;

[TestFixture]
public sealed class RelativePathsTests
{
    [TestCase("orders.csv")]
    [TestCase("régions/données-été.csv")]
    [TestCase("deep/er/still/big.bin")]
    [TestCase("CONSOLE.csv")]
    [TestCase("com10.csv")]
    [TestCase("a.b.c")]
    [TestCase(".hidden")]
    [TestCase("日本語/ファイル.csv")]
    public void FindProblem_OrdinaryPath_None(string path) =>
        Assert.That(RelativePaths.FindProblem(path), Is.Null);

    [TestCase("/abs")]
    [TestCase("..")]
    [TestCase("a/..")]
    [TestCase("D:\\x")]
    [TestCase("a\\b")]
    [TestCase("a\u0000b")]
    [TestCase("a\u007fb")]
    [TestCase("PRN.csv")]
    [TestCase("x/Com3.log")]
    [TestCase("lpt1")]
    [TestCase("conout$")]
    [TestCase("a/b ")]
    [TestCase("a?.csv")]
    public void FindProblem_UnsafePath_Named(string path) =>
        Assert.That(RelativePaths.FindProblem(path), Is.Not.Null);

    [Test]
    public void TargetOf_PathInsideShare_UnderShareFolder()
    {
        var share = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "out", "20261127T000000000Z-deadbeef"));

        Assert.That(RelativePaths.TargetOf(share, "a/b.csv"), Is.EqualTo(Path.Combine(share, "a", "b.csv")));
    }

    [Test]
    public void FoldCase_ComposedAndDecomposedCase_Equal() =>
        Assert.That(RelativePaths.FoldCase("Caf\u00e9.CSV"), Is.EqualTo(RelativePaths.FoldCase("cafe\u0301.csv")));
}
