using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>Receive progress through the public API, on s3rver and a local folder store: what is reported adds up to the files.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ReceiveProgressTests
{
    private static readonly Dictionary<string, byte[]> Files = new()
    {
        ["orders.csv"] = TestData.Csv(2000),
        ["empty.csv"] = [],
        ["deep/big.bin"] = TestData.Random(ReceiveTestBed.PartSize + 12345, seed: 11),
    };

    [TestCase(true)]
    [TestCase(false)]
    public async Task ReceiveShareAsync_WithProgress_EachFileDoneAtItsSizeAndTheTotalsAddUp(bool onS3)
    {
        using var bed = onS3 ? await ReceiveTestBed.OnS3Async() : ReceiveTestBed.OnLocalFolder();
        using var source = WriteSource();
        var receipt = await bed.Sharer().ShareAsync([source.Path]);
        var reports = new Recorder();

        // One file at a time, so that each file's completion report names that file.
        var result = await bed.Receiver(configure: o => o.MaxConcurrentFiles = 1).ReceiveShareAsync(receipt.ShareId, bed.Output.Path, reports);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Received), () => string.Join("; ", result.Files.Select(f => f.Error)));
        var total = Files.Values.Sum(f => (long)f.Length);
        Assert.That(reports.All.Select(r => (r.ShareId, r.FileCount, r.TotalBytes)).Distinct(), Is.EqualTo(new[] { (receipt.ShareId, Files.Count, total) }));
        Assert.That(reports.All.Select(r => r.TotalBytesReceived), Is.Ordered, "nothing is counted twice or taken back when no download starts over");
        Assert.That(reports.All[^1].FilesCompleted, Is.EqualTo(Files.Count));
        Assert.That(reports.All[^1].TotalBytesReceived, Is.EqualTo(total));
        Assert.That(reports.Completions(), Is.EquivalentTo(Files.Select(f => (f.Key, (long)f.Value.Length, (long)f.Value.Length))));
    }

    [Test]
    public async Task ReceiveShareAsync_IntoACallback_EachFileDoneOnceHandedOverAndTheTotalsAddUp()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = WriteSource();
        var receipt = await bed.Sharer().ShareAsync([source.Path]);
        var reports = new Recorder();
        var handedOver = new Dictionary<string, (byte[] Content, int CompletedBefore)>();

        var result = await bed.Receiver(configure: o => o.MaxConcurrentFiles = 1).ReceiveShareAsync(
            receipt.ShareId,
            async (file, ct) =>
            {
                using var copy = new MemoryStream();
                await file.Content.CopyToAsync(copy, ct);
                handedOver[file.Path] = (copy.ToArray(), reports.All.Count == 0 ? 0 : reports.All[^1].FilesCompleted);
            },
            reports);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Received), () => string.Join("; ", result.Files.Select(f => f.Error)));
        Assert.That(handedOver.ToDictionary(h => h.Key, h => h.Value.Content), Is.EquivalentTo(Files));
        Assert.That(handedOver.Values.Select(h => h.CompletedBefore), Is.EquivalentTo(new[] { 0, 1, 2 }), "a file counts as done only after its callback returned");
        Assert.That(reports.Completions(), Is.EquivalentTo(Files.Select(f => (f.Key, (long)f.Value.Length, (long)f.Value.Length))));
        Assert.That(reports.All[^1].TotalBytesReceived, Is.EqualTo(Files.Values.Sum(f => (long)f.Length)));
    }

    [Test]
    public async Task ReceiveShareAsync_FilesAlreadyInPlace_CountedDoneAtTheirSizes()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = WriteSource();
        var receipt = await bed.Sharer().ShareAsync([source.Path]);
        var receiver = bed.Receiver(configure: o => o.MaxConcurrentFiles = 1);
        await receiver.ReceiveShareAsync(receipt.ShareId, bed.Output.Path);
        var reports = new Recorder();

        var again = await receiver.ReceiveShareAsync(receipt.ShareId, bed.Output.Path, reports);

        Assert.That(again.Files.Select(f => f.Status).Distinct(), Is.EqualTo(new[] { ReceiveStatus.AlreadyReceived }));
        Assert.That(reports.Completions(), Is.EquivalentTo(Files.Select(f => (f.Key, (long)f.Value.Length, (long)f.Value.Length))));
        Assert.That((reports.All[^1].FilesCompleted, reports.All[^1].TotalBytesReceived), Is.EqualTo((Files.Count, Files.Values.Sum(f => (long)f.Length))));
    }

    [Test]
    public async Task ReceiveShareAsync_OneFileTampered_ItsBytesAreNotCountedAndItIsNotDone()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        using var source = WriteSource();
        var receipt = await bed.Sharer().ShareAsync([source.Path]);
        var tampered = receipt.Files.Single(f => f.Path == "orders.csv");
        var bytes = await bed.ReadObjectAsync(tampered.Key);
        bytes[bytes.Length / 2] ^= 0x01;
        await bed.WriteObjectAsync(tampered.Key, bytes);
        var reports = new Recorder();

        var result = await bed.Receiver(configure: o => o.MaxConcurrentFiles = 1).ReceiveShareAsync(receipt.ShareId, bed.Output.Path, reports);

        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        var last = reports.All[^1];
        Assert.That((last.FilesCompleted, last.FileCount), Is.EqualTo((Files.Count - 1, Files.Count)));
        Assert.That(last.TotalBytesReceived, Is.EqualTo(Files.Where(f => f.Key != "orders.csv").Sum(f => (long)f.Value.Length)));
        Assert.That(reports.Completions().Select(c => c.Path), Does.Not.Contain("orders.csv"));
    }

    [Test]
    public async Task ReceiveAllAsync_TwoShares_EachReportedInTurnWithItsOwnTotals()
    {
        using var bed = ReceiveTestBed.OnLocalFolder();
        var sharer = bed.Sharer();
        var first = await sharer.ShareStreamAsync(new MemoryStream(TestData.Csv(300)), "first.csv");
        var second = await sharer.ShareStreamAsync(new MemoryStream(TestData.Random(100_000, seed: 5)), "second.bin");
        var reports = new Recorder();

        var results = await bed.Receiver().ReceiveAllAsync(bed.Output.Path, reports);

        Assert.That(results.Select(r => r.Status), Is.EqualTo(new[] { ReceiveStatus.Received, ReceiveStatus.Received }));
        Assert.That(reports.All.Select(r => r.ShareId).Distinct(), Is.EqualTo(new[] { first.ShareId, second.ShareId }), "oldest first, one share after the other");
        var lastOfEach = reports.All.GroupBy(r => r.ShareId).Select(g => (g.Key, g.Last().FilesCompleted, g.Last().TotalBytesReceived, g.Last().TotalBytes));
        Assert.That(lastOfEach, Is.EqualTo(new[] { (first.ShareId, 1, (long)TestData.Csv(300).Length, (long)TestData.Csv(300).Length), (second.ShareId, 1, 100_000L, 100_000L) }));
    }

    private static TempDirectory WriteSource()
    {
        var source = new TempDirectory();
        foreach (var (path, content) in Files)
        {
            source.WriteFile(path, content);
        }

        return source;
    }

    /// <summary>Keeps every report as it arrives, on the reporting thread (Progress&lt;T&gt; would post them elsewhere).</summary>
    private sealed class Recorder : IProgress<ReceiveProgress>
    {
        private readonly List<ReceiveProgress> _reports = [];

        public IReadOnlyList<ReceiveProgress> All
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(ReceiveProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }

        /// <summary>The report of each file's completion (the count of files done went up): path, bytes reported, size.</summary>
        public List<(string Path, long BytesReceived, long FileSize)> Completions()
        {
            var reports = All;
            return reports.Where((r, i) => r.FilesCompleted > (i == 0 ? 0 : reports[i - 1].FilesCompleted)).Select(r => (r.Path, r.BytesReceived, r.FileSize)).ToList();
        }
    }
}
