using S3S2.Sharing.Sharing;

namespace S3S2.Sharing.Tests.Sharing;

[TestFixture]
public sealed class ShareProgressReporterTests
{
    [Test]
    public void Tick_BytesMovedSinceTheLastReport_ReportsOnceWithShareTotals()
    {
        var clock = new ManualTimerClock();
        var reports = new List<ShareProgress>();
        using var reporter = new ShareProgressReporter(new Recorder(reports), clock);
        reporter.Declare(fileCount: 2, totalBytes: 300);
        var first = reporter.Start("a.csv", 100);
        var second = reporter.Start("b.csv", 200);

        first.BytesRead = 60;
        second.BytesRead = 50;
        clock.Tick();
        clock.Tick();

        Assert.That(clock.Periods, Is.EqualTo(new[] { ShareProgressReporter.Interval }), "one timer at a steady rate");
        Assert.That(reports, Has.Count.EqualTo(1), "nothing moved between the two ticks, so one report");
        Assert.That((reports[0].TotalBytesRead, reports[0].TotalBytes, reports[0].FileCount, reports[0].FilesCompleted, reports[0].TotalsFinal), Is.EqualTo((110L, 300L, 2, 0, true)));
    }

    [Test]
    public void End_Completed_ReportsAtOnceEvenWithoutATick()
    {
        var clock = new ManualTimerClock();
        var reports = new List<ShareProgress>();
        using var reporter = new ShareProgressReporter(new Recorder(reports), clock);
        var part = reporter.Start("stream.bin", knownLength: null);
        part.BytesRead = 4096;

        reporter.End(part, completed: true);

        Assert.That(reports.Select(r => (r.Path, r.BytesRead, r.FilesCompleted, r.FileCount, r.TotalBytes, r.TotalsFinal)), Is.EqualTo(new[] { ("stream.bin", 4096L, 1, 1, 4096L, false) }), "a stream of unknown length counts what was read");
    }

    [Test]
    public void End_Failed_PartLeavesTheGrowingTotals()
    {
        var clock = new ManualTimerClock();
        var reports = new List<ShareProgress>();
        using var reporter = new ShareProgressReporter(new Recorder(reports), clock);
        var kept = reporter.Start("a.csv", 10);
        var failed = reporter.Start("b.csv", 20);
        kept.BytesRead = 10;

        reporter.End(failed, completed: false);
        reporter.End(kept, completed: true);

        Assert.That((reports[^1].FileCount, reports[^1].TotalBytes, reports[^1].TotalBytesRead), Is.EqualTo((1, 10L, 10L)));
    }

    private sealed class Recorder(List<ShareProgress> reports) : IProgress<ShareProgress>
    {
        public void Report(ShareProgress value) => reports.Add(value);
    }
}
