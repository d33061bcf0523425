using S3S2.Sharing.CommandLine.Output;
using S3S2.Sharing.Tests.Infrastructure;
using Spectre.Console.Testing;

namespace S3S2.Sharing.Tests.CommandLine.Output;

/// <summary>Share progress: live on a terminal (Spectre's test console), plain lines when redirected (the real program).</summary>
[TestFixture]
[Category("Cli")]
public sealed class ShareProgressTests
{
    [Test]
    public async Task Share_ErrorRedirected_PlainLinesWithFilesBytesAndRate()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("data/a.csv", TestData.Csv(100));
        work.WriteFile("data/b.bin", TestData.Random(2 * 1024 * 1024, seed: 3));

        var result = await S3S2Program.RunAsync(["share", work.Combine("data"), "--to", work.Combine("store"), "--pgp-key", key]);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        var lines = result.StandardError.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Some.Match(@"^s3s2: \[2/2\] 2\.0 of 2\.0 MiB, [0-9.]+ MiB/s  (a\.csv|b\.bin)$"), result.StandardError);
        Assert.That(result.StandardError.Contains('\u001b', StringComparison.Ordinal), Is.False, "no terminal escapes in a redirected stream");
        Assert.That(result.StandardOutput, Does.StartWith("Shared 2 file(s) as share "));
    }

    [Test]
    public async Task Share_Json_NoProgressLines()
    {
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", TestData.Csv(100));

        var result = await S3S2Program.RunAsync(["share", work.Combine("a.csv"), "--to", work.Combine("store"), "--pgp-key", key, "--json"]);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardError, Is.Empty);
    }

    [Test]
    public async Task RunAsync_TerminalConsole_RowsForTheFileAndTheShareThenASummary()
    {
        using var console = new TestConsole().Interactive().Width(160);
        var sizes = new Dictionary<string, long> { ["sub/big.bin"] = 3145728, ["orders.csv"] = 1048576 };
        var view = new SpectreShareProgress(console, path => sizes.TryGetValue(path, out var size) ? size : null);

        var receipt = await view.RunAsync(async progress =>
        {
            progress.Report(new ShareProgress("sub/big.bin", 1048576, 0, 2) { TotalBytesRead = 1048576, TotalBytes = 4194304, TotalsFinal = true });
            await DrawnAsync(console, "sub/big.bin");
            progress.Report(new ShareProgress("orders.csv", 524288, 1, 2) { TotalBytesRead = 3670016, TotalBytes = 4194304, TotalsFinal = true });
            await DrawnAsync(console, "orders.csv");
            return new ShareReceipt("20261130T000000000Z-00000000", "p/m", [new SharedFile("sub/big.bin", "p/big", 3145728, "00"), new SharedFile("orders.csv", "p/o", 1048576, "11")]);
        });

        Assert.That(receipt.Files, Has.Count.EqualTo(2));
        var lines = console.Lines;
        Assert.That(lines, Has.Some.Match(@"^share \[0/2\] .* 25% 1\.0/4\.0 MiB"), "the share's row: files, percentage, bytes of the total");
        Assert.That(lines, Has.Some.Match(@"^sub/big\.bin .* 33% 1\.0/3\.0 MiB"), "a row for the file being read, of its size");
        Assert.That(lines, Has.Some.Match(@"^share \[1/2\] .* 87% 3\.5/4\.0 MiB"));
        Assert.That(lines, Has.Some.Match(@"^orders\.csv .* 50% 0\.5/1\.0 MiB"));
        Assert.That(lines[^1], Does.Match(@"^share \[2/2\] 4\.0 MiB in [0-9.]+ s \([0-9.]+ MiB/s\)"), "the summary stays");
    }

    /// <summary>Waits for the display's next refresh to draw a row (it redraws on a timer, not on each report).</summary>
    private static async Task DrawnAsync(TestConsole console, string row)
    {
        for (var waited = 0; waited < 10_000 && !console.Lines.Any(l => l.StartsWith(row, StringComparison.Ordinal)); waited += 20)
        {
            await Task.Delay(20);
        }
    }

    [Test]
    public async Task Share_EmbeddedWithAProgressConsole_DrawsThereAndNotOnTheErrorWriter()
    {
        using var console = new TestConsole().Interactive().Width(160);
        await using var host = new AcmeEtlHost(console);
        using var work = new TempDirectory();
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("a.csv", TestData.Csv(100));

        var result = await host.RunAsync("s3s2", "share", work.Combine("a.csv"), "--to", work.Combine("store"), "--pgp-key", key);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Error, Is.Empty);
        Assert.That(console.Lines[^1], Does.StartWith("share [1/1] "));
    }
}
