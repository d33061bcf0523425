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
    public void FindProblem_SegmentOfExactlyTheLimit_None() =>
        Assert.That(RelativePaths.FindProblem("dir/" + new string('a', RelativePaths.MaxSegmentBytes - 4) + ".csv"), Is.Null);

    [Test]
    public void FindProblem_SegmentOneByteOverTheLimit_NamesTheLimit() =>
        Assert.That(RelativePaths.FindProblem("dir/" + new string('a', RelativePaths.MaxSegmentBytes - 3) + ".csv"), Does.Contain("201 UTF-8 bytes").And.Contain("at most 200"));

    [Test]
    public void FindProblem_SegmentOfFewCharactersButManyBytes_CountsBytes()
    {
        var name = new string('é', 101);

        Assert.That(name, Has.Length.LessThan(RelativePaths.MaxSegmentBytes));
        Assert.That(RelativePaths.FindProblem(name), Does.Contain("202 UTF-8 bytes"));
    }

    [Test]
    public void MaxSegmentBytes_WithTheReceiversTemporaryName_FitsA255ByteFileName() =>
        Assert.That(RelativePaths.MaxSegmentBytes + RelativePaths.MaxTemporaryNameExtraBytes, Is.LessThanOrEqualTo(255));

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
