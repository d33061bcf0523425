using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>
/// Faults on the wire between the real S3 client and the local S3 server (a proxy on 127.0.0.1), and objects changed at
/// rest behind S3's back: transient faults are retried until the bytes are identical, nothing hangs, and an integrity
/// failure is reported as such without stopping the other files and shares.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ReceiveClientFaultTests
{
    private static readonly byte[] Content = TestData.Random(300_000, seed: 11);

    [Test]
    public async Task ReceiveShareAsync_TransientFaultOnDownload_RetriedAndBytesIdentical([Values] WireFault fault)
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        var receipt = await bed.Sharer(compression: OpenPgpCompression.None).ShareStreamAsync(new MemoryStream(Content), "data.bin");
        using var proxy = new FaultProxy(bed.Server!.Endpoint, fault, line => line.StartsWith("GET ", StringComparison.Ordinal) && line.Contains("data.bin", StringComparison.Ordinal), times: 1);
        var receiver = bed.Receiver(endpoint: proxy.Endpoint, configure: o => o.ReadTimeout = TimeSpan.FromSeconds(2));

        var result = await receiver.ReceiveShareAsync(receipt.ShareId, bed.Output.Path).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(proxy.Injected, Is.EqualTo(1));
        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Received), () => string.Join("; ", result.Files.Select(f => f.Error)));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(receipt.ShareId, "data.bin")), Is.EqualTo(Content));
    }

    [TestCase(WireFault.CutBody)]
    [TestCase(WireFault.StallBody)]
    public async Task ReceiveShareAsync_BodyFailsOnEveryAttempt_FailsAfterMaxAttemptsNamingTheFileAndNothingWritten(WireFault fault)
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        var receipt = await bed.Sharer(compression: OpenPgpCompression.None).ShareStreamAsync(new MemoryStream(Content), "data.bin");
        using var proxy = new FaultProxy(bed.Server!.Endpoint, fault, line => line.StartsWith("GET ", StringComparison.Ordinal) && line.Contains("data.bin", StringComparison.Ordinal), times: 100);
        var receiver = bed.Receiver(endpoint: proxy.Endpoint, configure: o =>
        {
            o.ReadTimeout = TimeSpan.FromSeconds(1);
            o.MaxAttempts = 3;
        });

        var result = await receiver.ReceiveShareAsync(receipt.ShareId, bed.Output.Path).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(proxy.Injected, Is.EqualTo(3));
        Assert.That(result.Status, Is.EqualTo(ReceiveStatus.Failed));
        Assert.That(result.Files.Single().Error, Does.Contain("data.bin"));
        Assert.That(bed.OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task ReceiveAllAsync_ObjectChangedAtRestOnS3_IntegrityFailedOtherFilesAndLaterSharesReceived()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        using var source = new TempDirectory();
        source.WriteFile("a/first.bin", Content);
        source.WriteFile("a/second.csv", TestData.Csv(500));
        var sharer = bed.Sharer(compression: OpenPgpCompression.None);
        var damaged = await sharer.ShareAsync([source.Combine("a")]);
        var later = await sharer.ShareStreamAsync(new MemoryStream(TestData.Csv(100)), "later.csv");
        bed.TamperAtRest(damaged.Files.Single(f => f.Path.EndsWith("first.bin", StringComparison.Ordinal)).Key, Content.Length / 2);

        var results = await bed.Receiver().ReceiveAllAsync(bed.Output.Path);

        var first = results.Single(r => r.ShareId == damaged.ShareId);
        Assert.That(first.Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(first.Files.Single(f => f.Path.EndsWith("first.bin", StringComparison.Ordinal)).Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        var second = damaged.Files.Single(f => f.Path.EndsWith("second.csv", StringComparison.Ordinal)).Path;
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine([damaged.ShareId, .. second.Split('/')])), Is.EqualTo(TestData.Csv(500)));
        Assert.That(results.Single(r => r.ShareId == later.ShareId).Status, Is.EqualTo(ReceiveStatus.Received));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(later.ShareId, "later.csv")), Is.EqualTo(TestData.Csv(100)));
        Assert.That(bed.OutputFiles().Where(f => f.Contains("first.bin", StringComparison.Ordinal) || f.Contains(".partial", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task ReceiveAllAsync_ManifestChangedAtRestOnS3_ThatShareIntegrityFailedOthersReceived()
    {
        using var bed = await ReceiveTestBed.OnS3Async();
        var sharer = bed.Sharer();
        var damaged = await sharer.ShareStreamAsync(new MemoryStream(TestData.Csv(100)), "x.csv");
        var later = await sharer.ShareStreamAsync(new MemoryStream(TestData.Csv(200)), "y.csv");
        bed.TamperAtRest(damaged.ManifestKey, 200);

        var results = await bed.Receiver().ReceiveAllAsync(bed.Output.Path);

        Assert.That(results.Single(r => r.ShareId == damaged.ShareId).Status, Is.EqualTo(ReceiveStatus.IntegrityFailed));
        Assert.That(await File.ReadAllBytesAsync(bed.Output.Combine(later.ShareId, "y.csv")), Is.EqualTo(TestData.Csv(200)));
    }
}
