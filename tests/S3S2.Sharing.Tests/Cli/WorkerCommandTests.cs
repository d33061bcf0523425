using System.Text;
using System.Text.RegularExpressions;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Tests.Queue;

namespace S3S2.Sharing.Tests.Cli;

/// <summary>
/// <c>s3s2 worker</c> as separate processes on moto's real notification → queue (with a dead-letter queue): several
/// processes share the queue, a killed process's share is redelivered to another, SIGTERM releases what is in progress.
/// </summary>
[TestFixture]
[Category("Cli")]
[Category("Integration")]
public sealed partial class WorkerCommandTests
{
    private static readonly string[] Partners = ["BigDataRider", "CustomDataSurfer", "DeepLake"];

    [Test]
    public async Task Worker_ThreeProcessesThirtySharesFromThreePartners_EachReceivedOnceBytesIdentical()
    {
        using var bed = await QueueTestBed.CreateAsync();
        var expected = new Dictionary<string, Dictionary<string, byte[]>>();
        for (var i = 0; i < 30; i++)
        {
            var files = new Dictionary<string, byte[]> { ["data.csv"] = TestData.Csv(20 + i), [$"raw/{i}.bin"] = TestData.Random(500 + (i * 31), seed: 100 + i) };
            expected[(await bed.ShareAsync(Partners[i % 3], files)).ShareId] = files;
        }

        using var keys = new TempDirectory();
        var workers = Enumerable.Range(0, 3).Select(_ => S3S2Program.Start(Arguments(bed, bed.Server.Endpoint, keys, visibilitySeconds: 30), LocalMotoServer.ProgramEnvironment)).ToList();
        try
        {
            await QueueTestBed.WaitUntilAsync(
                async () => expected.Keys.All(id => File.Exists(bed.Output.Combine(id + ".received"))) && await bed.CountAsync(bed.QueueUrl) == 0,
                TimeSpan.FromSeconds(120),
                "30 shares received by the three worker processes");
            foreach (var worker in workers)
            {
                await worker.TerminateAsync();
            }

            foreach (var worker in workers)
            {
                Assert.That(await worker.WaitForExitAsync(TimeSpan.FromSeconds(10)), Is.True, "the worker stops within seconds of SIGTERM");
                Assert.That(worker.ExitCode, Is.Zero, worker.Output);
            }

            var received = workers.SelectMany(w => ReceivedLine().Matches(w.Output).Select(m => m.Groups["id"].Value)).ToList();
            Assert.That(received, Is.EquivalentTo(expected.Keys), "each share received exactly once, by one of the processes");
            Assert.That(workers.Count(w => ReceivedLine().IsMatch(w.Output)), Is.GreaterThan(1), "the work was spread over the processes");
            var output = QueueTestBed.ReadOutput(bed.Output.Path);
            Assert.That(output.Keys, Is.EquivalentTo(expected.Keys));
            foreach (var (shareId, files) in expected)
            {
                Assert.That(output[shareId], Is.EqualTo(files), $"bytes of share {shareId}");
            }

            Assert.That(await bed.CountAsync(bed.DeadLetterQueueUrl), Is.Zero);
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [Test]
    public async Task Worker_ProcessKilledMidShare_RedeliveredAfterVisibilityTimeoutAndReceivedWholeByAnother()
    {
        // A retried ReceiveMessage on a busy machine counts as a delivery too: room for a few before the dead-letter queue.
        using var bed = await QueueTestBed.CreateAsync(maxReceiveCount: 5);
        var content = TestData.Random(3 * 1024 * 1024, seed: 5);
        var receipt = await bed.ShareAsync("BigDataRider", new Dictionary<string, byte[]> { ["big.bin"] = content, ["small.csv"] = TestData.Csv(10) });

        // The first download of big.bin delivers half its body, then nothing: the worker is mid-share when it is killed.
        using var proxy = new FaultProxy(bed.Server.Endpoint, WireFault.StallBody, line => line.StartsWith("GET ", StringComparison.Ordinal) && line.Contains("big.bin.gpg", StringComparison.Ordinal), times: 1);
        using var keys = new TempDirectory();
        string firstOutput;
        using (var first = S3S2Program.Start(Arguments(bed, proxy.Endpoint, keys, visibilitySeconds: 6), LocalMotoServer.ProgramEnvironment))
        {
            await QueueTestBed.WaitUntilAsync(() => Task.FromResult(proxy.Injected == 1), TimeSpan.FromSeconds(60), "the first worker in the middle of big.bin");
            first.Kill();
            firstOutput = first.Output;
        }

        var killed = DateTime.UtcNow;
        Assert.That(File.Exists(bed.Output.Combine(receipt.ShareId, "big.bin")), Is.False, "nothing of the unfinished file is visible");
        var logs = new ListLoggerProvider();
        var handler = new RecordingShareHandler();
        using var second = bed.BuildWorker(handler: handler, logs: logs);
        await second.StartAsync();
        await QueueTestBed.WaitUntilAsync(() => Task.FromResult(!handler.Calls.IsEmpty), TimeSpan.FromSeconds(60), "the share received by the second worker", () => $"dead-letter queue: {bed.CountAsync(bed.DeadLetterQueueUrl).GetAwaiter().GetResult()}; first worker:{Environment.NewLine}{firstOutput}{Environment.NewLine}second worker:{Environment.NewLine}{string.Join(Environment.NewLine, logs.Logger.Entries.Select(e => e.Message))}");
        var receivedAfter = DateTime.UtcNow - killed;
        await second.StopAsync();

        Assert.That(handler.Calls.Single().Files["big.bin"], Is.EqualTo(content));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "big.bin")), Is.EqualTo(content));
        // Redelivered, not first seen: a long poll the killed worker left open on the server can take one delivery of its
        // own when the message becomes visible again (the answer goes to a closed connection), so it may be the third.
        Assert.That(logs.Logger.Entries.Select(e => e.Message), Has.Some.Contain($"share {receipt.ShareId} (message").And.Match(@"delivery [23]\)"), "a later delivery of the message");
        Assert.That(receivedAfter, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public async Task Worker_SigtermMidShare_ExitsWithinSecondsAndReleasesMessageAtOnce()
    {
        using var bed = await QueueTestBed.CreateAsync(maxReceiveCount: 5);
        var content = TestData.Random(2 * 1024 * 1024, seed: 9);
        var receipt = await bed.ShareAsync("DeepLake", new Dictionary<string, byte[]> { ["big.bin"] = content });
        using var proxy = new FaultProxy(bed.Server.Endpoint, WireFault.StallBody, line => line.StartsWith("GET ", StringComparison.Ordinal) && line.Contains("big.bin.gpg", StringComparison.Ordinal), times: 1);
        using var keys = new TempDirectory();

        // A visibility timeout far longer than the test: only a release lets another worker have the message in time.
        using (var first = S3S2Program.Start(Arguments(bed, proxy.Endpoint, keys, visibilitySeconds: 600), LocalMotoServer.ProgramEnvironment))
        {
            await QueueTestBed.WaitUntilAsync(() => Task.FromResult(proxy.Injected == 1), TimeSpan.FromSeconds(60), "the worker in the middle of big.bin");
            var stopping = DateTime.UtcNow;
            await first.TerminateAsync();
            Assert.That(await first.WaitForExitAsync(TimeSpan.FromSeconds(10)), Is.True, "the worker stops within seconds of SIGTERM");
            Assert.That(DateTime.UtcNow - stopping, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(first.ExitCode, Is.Zero, first.Output);
            Assert.That(first.Output, Does.Contain("stopping"));
        }

        Assert.That(File.Exists(bed.Output.Combine(receipt.ShareId, "big.bin")), Is.False);
        var handler = new RecordingShareHandler();
        using var second = bed.BuildWorker(handler: handler);
        await second.StartAsync();
        await QueueTestBed.WaitUntilAsync(() => Task.FromResult(!handler.Calls.IsEmpty), TimeSpan.FromSeconds(30), "the released share received by another worker");
        await second.StopAsync();

        Assert.That(handler.Calls.Single().Files["big.bin"], Is.EqualTo(content));
    }

    [Test]
    public async Task Worker_QueueThatDoesNotExist_Exits2NamingItInsteadOfRetryingForever()
    {
        using var bed = await QueueTestBed.CreateAsync();
        using var keys = new TempDirectory();
        var arguments = Arguments(bed, bed.Server.Endpoint, keys, visibilitySeconds: 30);
        var missing = bed.QueueUrl + "-typo";
        arguments[arguments.IndexOf(bed.QueueUrl)] = missing;

        // Before, the worker logged the failed receive and tried again forever; the runner's timeout would fail this.
        var run = await S3S2Program.RunAsync(arguments, LocalMotoServer.ProgramEnvironment);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.StandardError);
        Assert.That(run.StandardError, Does.Contain($"the SQS queue {missing} does not exist").And.Contain("--queue-url"));
        Assert.That(Directory.EnumerateFileSystemEntries(bed.Output.Path), Is.Empty);
    }

    [Test]
    public async Task Worker_NoQueueUrl_Exits2NamingTheOption()
    {
        var run = await S3S2Program.RunAsync(["worker", "--bucket", "b", "--out", "x"]);

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.StandardError, Does.Contain("--queue-url"));
    }

    private static List<string> Arguments(QueueTestBed bed, string s3Endpoint, TempDirectory keys, int visibilitySeconds)
    {
        var key = keys.Combine("receiver.sec.asc");
        if (!File.Exists(key))
        {
            keys.WriteFile("receiver.sec.asc", Encoding.ASCII.GetBytes(TestKeys.Receiver.SecretKeyArmored));
        }

        return
        [
            "worker", "--queue-url", bed.QueueUrl, "--sqs-endpoint", bed.Server.Endpoint, "--bucket", bed.Bucket, "--endpoint", s3Endpoint,
            "--prefix", QueueTestBed.Prefix, "--out", bed.Output.Path, "--pgp-secret-key", key, "--max-concurrent-shares", "2",
            "--visibility-timeout", visibilitySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--retry-delay", "0",
        ];
    }

    [GeneratedRegex(@"share (?<id>\S+) \(message [^)]*\): \d+ file\(s\), \d+ bytes received, Received")]
    private static partial Regex ReceivedLine();
}
