using System.Text.Json;
using S3S2.Sharing.CommandLine.Output;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;
using Spectre.Console.Testing;

namespace S3S2.Sharing.Tests.CommandLine.Output;

/// <summary>Receive progress: live on a terminal (Spectre's test console), plain lines when redirected (the real program), none with --json.</summary>
[TestFixture]
[Category("Cli")]
public sealed class ReceiveProgressViewTests
{
    [Test]
    public async Task Receive_ErrorRedirected_PlainLinesWithShareFilesBytesAndRate()
    {
        using var work = new TempDirectory();
        var shareId = await ShareAsync(work);

        var result = await S3S2Program.RunAsync(["receive", "--from", work.Combine("store"), "--out", work.Combine("inbox"), "--pgp-secret-key", SecretKeyFile(work)]);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        var lines = result.StandardError.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Some.Match($@"^s3s2: {shareId} \[2/2\] 2\.0 of 2\.0 MiB, [0-9.]+ MiB/s  (a\.csv|b\.bin)$"), result.StandardError);
        Assert.That(lines, Has.All.StartWith($"s3s2: {shareId} ["), "progress lines only, no warning or error");
        Assert.That(result.StandardError.Contains('\u001b', StringComparison.Ordinal), Is.False, "no terminal escapes in a redirected stream");
        Assert.That(result.StandardOutput, Does.StartWith($"{shareId}: 2 file(s) received, 0 already present"));
        Assert.That(await File.ReadAllBytesAsync(work.Combine("inbox", shareId, "b.bin")), Is.EqualTo(TestData.Random(2 * 1024 * 1024, seed: 3)));
    }

    [Test]
    public async Task Receive_Json_NoProgressLines()
    {
        using var work = new TempDirectory();
        var shareId = await ShareAsync(work);

        var result = await S3S2Program.RunAsync(["receive", "--from", work.Combine("store"), "--out", work.Combine("inbox"), "--pgp-secret-key", SecretKeyFile(work), "--json"]);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardError, Is.Empty);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.That(json.RootElement[0].GetProperty("shareId").GetString(), Is.EqualTo(shareId));
    }

    [Test]
    public async Task RunAsync_TerminalConsole_RowsForTheFileAndTheShareThenASummary()
    {
        const string shareId = "20261130T000000000Z-00000000";
        using var console = new TestConsole().Interactive().Width(160);
        var view = new SpectreReceiveProgress(console);

        var result = await view.RunAsync(async progress =>
        {
            progress.Report(new ReceiveProgress(shareId, "sub/big.bin", 1048576, 0, 2) { FileSize = 3145728, TotalBytesReceived = 1048576, TotalBytes = 4194304 });
            await DrawnAsync(console, "sub/big.bin");
            progress.Report(new ReceiveProgress(shareId, "orders.csv", 524288, 1, 2) { FileSize = 1048576, TotalBytesReceived = 3670016, TotalBytes = 4194304 });
            await DrawnAsync(console, "orders.csv");
            progress.Report(new ReceiveProgress(shareId, "orders.csv", 1048576, 2, 2) { FileSize = 1048576, TotalBytesReceived = 4194304, TotalBytes = 4194304 });
            return 42;
        });

        Assert.That(result, Is.EqualTo(42), "the receive's own result is handed back");
        var lines = console.Lines;
        Assert.That(lines, Has.Some.Match($@"^{shareId} \[0/2\] .* 25% 1\.0/4\.0 MiB"), "the share's row: files, percentage, bytes of the total");
        Assert.That(lines, Has.Some.Match(@"^sub/big\.bin .* 33% 1\.0/3\.0 MiB"), "a row for the file being written, of its size");
        Assert.That(lines, Has.Some.Match($@"^{shareId} \[1/2\] .* 87% 3\.5/4\.0 MiB"));
        Assert.That(lines, Has.Some.Match(@"^orders\.csv .* 50% 0\.5/1\.0 MiB"));
        Assert.That(lines[^1], Does.Match(@"^receive 1 share\(s\) \[2/2\] 4\.0 MiB in [0-9.]+ s \([0-9.]+ MiB/s\)"), "the summary stays");
    }

    [Test]
    public async Task Receive_EmbeddedWithAProgressConsole_DrawsThereAndNotOnTheErrorWriter()
    {
        using var console = new TestConsole().Interactive().Width(160);
        await using var host = new AcmeEtlHost(console);
        using var work = new TempDirectory();
        var shareId = await ShareAsync(work);

        var result = await host.RunAsync("s3s2", "receive", "--from", work.Combine("store"), "--out", work.Combine("inbox"), "--pgp-secret-key", SecretKeyFile(work));

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Error, Is.Empty);
        Assert.That(console.Lines[^1], Does.StartWith("receive 1 share(s) [2/2] 2.0 MiB in "));
        Assert.That(result.Output, Does.StartWith($"{shareId}: 2 file(s) received"));
    }

    /// <summary>Shares a folder of two files (2 MiB in all) into WORK/store with the real program; returns the share id.</summary>
    private static async Task<string> ShareAsync(TempDirectory work)
    {
        var key = work.WriteFile("receiver.pub.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.PublicKeyArmored));
        work.WriteFile("data/a.csv", TestData.Csv(100));
        work.WriteFile("data/b.bin", TestData.Random(2 * 1024 * 1024, seed: 3));
        var share = await S3S2Program.RunAsync(["share", work.Combine("data"), "--to", work.Combine("store"), "--pgp-key", key, "--json"]);
        Assert.That(share.ExitCode, Is.Zero, share.StandardError);
        using var json = JsonDocument.Parse(share.StandardOutput);
        return json.RootElement.GetProperty("shareId").GetString()!;
    }

    private static string SecretKeyFile(TempDirectory work) =>
        work.WriteFile("receiver.sec.asc", System.Text.Encoding.ASCII.GetBytes(TestKeys.Receiver.SecretKeyArmored));

    /// <summary>Waits for the display's next refresh to draw a row (it redraws on a timer, not on each report).</summary>
    private static async Task DrawnAsync(TestConsole console, string row)
    {
        for (var waited = 0; waited < 10_000 && !console.Lines.Any(l => l.StartsWith(row, StringComparison.Ordinal)); waited += 20)
        {
            await Task.Delay(20);
        }
    }
}
