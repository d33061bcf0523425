using System.Text;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>
/// Seeded random round trips through the public API: whatever the sizes (biased to the cipher-block, partial-length
/// and buffer edges), names (nested, non-ASCII, spaces) and compression of a share, the receiver gets the same bytes.
/// A failing case names its seed, so it can be replayed alone.
/// </summary>
[TestFixture]
public sealed class ShareReceiveRoundTripTests
{
    private static readonly int[] EdgeSizes = [0, 1, 15, 16, 17, 511, 512, 513, 65535, 65536, 65537, (256 * 1024) + 3];
    private static readonly string[] NameParts = ["orders", "Ünïcödé", "日本", "a b", "x-1_y", "Q", "2026-11-30", "é"];

    private static IEnumerable<int> Seeds => Enumerable.Range(1, 16);

    [TestCaseSource(nameof(Seeds))]
    public async Task ShareThenReceive_RandomFilesNamesAndCompression_SameBytes(int seed)
    {
        var random = new Random(seed);
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = new TempDirectory();
        var expected = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var folded = new HashSet<string>(StringComparer.Ordinal);
        var count = random.Next(1, 6);
        while (expected.Count < count)
        {
            var path = RandomPath(random);
            if (!folded.Add(RelativePaths.FoldCase(path)))
            {
                continue;
            }

            var size = random.Next(3) == 0 ? random.Next(0, 300_000) : EdgeSizes[random.Next(EdgeSizes.Length)];
            var content = random.Next(2) == 0 ? TestData.Random(size, random.Next()) : CsvLike(size, random);
            expected[path] = content;
            source.WriteFile(path, content);
        }

        var compression = random.Next(2) == 0 ? OpenPgpCompression.None : OpenPgpCompression.Zlib;

        var receipt = await bed.Sharer(compression: compression).ShareAsync([source.Path]);
        var received = await bed.Receiver().ReceiveShareAsync(receipt.ShareId, bed.Output.Path);

        Assert.That(received.Status, Is.EqualTo(ReceiveStatus.Received), $"seed {seed}: {received.Error}");
        Assert.That(received.Files.Select(f => f.Path), Is.EquivalentTo(expected.Keys), $"seed {seed}");
        foreach (var (path, content) in expected)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(received.Directory, path)), Is.EqualTo(content), $"seed {seed}: '{path}', {content.Length} bytes, {compression}");
        }
    }

    /// <summary>One to three segments; directories never end in ".csv" and files always do, so no file is also a directory.</summary>
    private static string RandomPath(Random random)
    {
        var depth = random.Next(1, 4);
        var segments = new string[depth];
        for (var i = 0; i < depth; i++)
        {
            segments[i] = NameParts[random.Next(NameParts.Length)] + random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        segments[^1] += ".csv";
        return string.Join('/', segments);
    }

    private static byte[] CsvLike(int size, Random random)
    {
        var text = new StringBuilder(size + 64);
        while (text.Length < size)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{random.Next(1_000_000)},customer-{random.Next(5000)},{random.NextDouble():F4}\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, size));
    }
}
