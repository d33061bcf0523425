using System.IO.Compression;
using System.Text;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Policy;

[TestFixture]
public sealed class CiphertextWindowsTests
{
    [Test]
    public void Append_TenThousandRandomWindows_AllPass()
    {
        // 10,240 windows (640 MiB) of seeded random bytes, fed in uneven slices as reads arrive.
        var windows = new CiphertextWindows();
        var random = new Random(20261130);
        var buffer = new byte[CiphertextWindows.WindowLength * 4];
        string? problem = null;
        for (var i = 0; i < 2560 && problem is null; i++)
        {
            random.NextBytes(buffer);
            problem = windows.Append(buffer.AsSpan(0, 100_000)) ?? windows.Append(buffer.AsSpan(100_000));
        }

        Assert.That(problem, Is.Null);
        Assert.That(windows.WindowsTested, Is.EqualTo(10_240));
    }

    [Test]
    public void Complete_RandomLastWindowsOfManyLengths_Pass()
    {
        var failures = new List<int>();
        for (var length = CiphertextWindows.MinimumHistogramLength; length < CiphertextWindows.WindowLength; length += 97)
        {
            var windows = new CiphertextWindows();
            if (windows.Append(TestData.Random(length, length)) is not null || windows.Complete() is not null)
            {
                failures.Add(length);
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void Append_PlaintextCsv_RefusedInTheFirstWindow()
    {
        var problem = new CiphertextWindows().Append(TestData.Csv(5_000));

        Assert.That(problem, Does.Contain("64 KiB window 1").And.Contain("does not look like ciphertext"));
    }

    /// <summary>The histogram counts every byte once whatever the pieces' lengths (eight at a time, then one at a time).</summary>
    [Test]
    public void Append_PiecesOfOddLengths_CountsTheWindowAsASimpleHistogramDoes()
    {
        var csv = TestData.Csv(5_000);
        var counts = new long[256];
        foreach (var value in csv.AsSpan(0, CiphertextWindows.WindowLength))
        {
            counts[value]++;
        }

        var expected = CiphertextWindows.ChiSquare(counts, CiphertextWindows.WindowLength, 256);
        var windows = new CiphertextWindows();
        string? problem = null;
        int[] lengths = [1, 3, 7, 8, 9, 15, 16, 17, 4093];
        for (int offset = 0, piece = 0; problem is null && offset < csv.Length; piece++)
        {
            var length = Math.Min(lengths[piece % lengths.Length], csv.Length - offset);
            problem = windows.Append(csv.AsSpan(offset, length));
            offset += length;
        }

        Assert.That(problem, Does.Contain("64 KiB window 1").And.Contain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"chi-square {expected:F0},")));
    }

    [Test]
    public void Append_PlaintextJson_Refused() =>
        Assert.That(new CiphertextWindows().Append(Json(2_000)), Does.Contain("does not look like ciphertext"));

    [TestCase(CompressionLevel.Fastest)]
    [TestCase(CompressionLevel.Optimal)]
    [TestCase(CompressionLevel.SmallestSize)]
    public void Append_ZlibCompressedCsv_Refused(CompressionLevel level)
    {
        var compressed = Compress(RealisticCsv(60_000), s => new ZLibStream(s, level));
        Assert.That(compressed, Has.Length.GreaterThan(3 * CiphertextWindows.WindowLength), "enough for several windows");

        var windows = new CiphertextWindows();

        Assert.That(windows.Append(compressed) ?? windows.Complete(), Does.Contain("does not look like ciphertext"));
    }

    [TestCase(CompressionLevel.Optimal)]
    [TestCase(CompressionLevel.SmallestSize)]
    public void Append_GzipCompressedJson_Refused(CompressionLevel level)
    {
        var compressed = Compress(Json(40_000), s => new GZipStream(s, level));
        Assert.That(compressed, Has.Length.GreaterThan(3 * CiphertextWindows.WindowLength), "enough for several windows");

        var windows = new CiphertextWindows();

        Assert.That(windows.Append(compressed) ?? windows.Complete(), Does.Contain("does not look like ciphertext"));
    }

    [Test]
    public void Complete_SmallPlaintextManifest_Refused()
    {
        var windows = new CiphertextWindows();
        // The smallest real manifest: one file, one recipient (about 400 bytes).
        var manifest = Encoding.UTF8.GetBytes("""{"formatVersion":1,"shareId":"20261130T085200123Z-9f2c","createdUtc":"2026-11-30T08:52:00.123+00:00","sender":"acme","library":"S3S2.Sharing/1.0.0","encryption":{"mode":"openpgp","recipients":["0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C"]},"files":[{"path":"a.csv","key":"partners/acme/20261130T085200123Z-9f2c/a.csv.gpg","size":12,"sha256":"00ff3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f00f","compression":"none"}]}""");

        Assert.That(windows.Append(manifest), Is.Null);
        Assert.That(windows.Complete(), Does.Contain($"its last {manifest.Length} bytes"));
    }

    [Test]
    public void Complete_RandomShortTailsOfEveryLength_Pass()
    {
        var failures = new List<(int Length, int Seed)>();
        for (var length = 1; length < CiphertextWindows.MinimumHistogramLength; length++)
        {
            for (var seed = 0; seed < 20; seed++)
            {
                var windows = new CiphertextWindows();
                if (windows.Append(TestData.Random(length, (length * 100) + seed)) is not null || windows.Complete() is not null)
                {
                    failures.Add((length, seed));
                }
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [TestCase(48)]
    [TestCase(100)]
    [TestCase(255)]
    public void Complete_ShortTailAllText_Refused(int length)
    {
        var windows = new CiphertextWindows();
        Assert.That(windows.Append(TestData.Csv(20).AsSpan(0, length)), Is.Null);

        Assert.That(windows.Complete(), Does.Contain($"its last {length} bytes ({length} of them are text"));
    }

    [Test]
    public void Complete_FortySevenTextBytes_NotRefused()
    {
        // (98/256)^47 = 2.5e-20 is above the 1e-20 bound; at 48 bytes it is 9.6e-21, below.
        var windows = new CiphertextWindows();
        Assert.That(windows.Append(TestData.Csv(20).AsSpan(0, 47)), Is.Null);

        Assert.That(windows.Complete(), Is.Null);
    }

    [Test]
    public void Complete_ShortCsvWithTheMdcsBinaryBytes_Refused()
    {
        // A faulty encryptor's small file: 140 bytes of CSV and the 22 bytes of an MDC packet, none of them text.
        var windows = new CiphertextWindows();
        Assert.That(windows.Append([.. TestData.Csv(5).AsSpan(0, 140), .. new byte[22]]), Is.Null);

        Assert.That(windows.Complete(), Does.Contain("its last 162 bytes (140 of them are text"));
    }

    [TestCase(10, 0, 0.3)]
    [TestCase(10, 10, 0.3828125)]
    [TestCase(3, 2, 0.028)]
    public void BinomialUpperTail_SmallCases_MatchTheirClosedForms(int trials, int atLeast, double p)
    {
        // P(X >= 0) = 1; P(X >= n) = p^n; for n = 3, k = 2: 3p^2(1 - p) + p^3.
        var expected = atLeast == 0 ? 1.0 : atLeast == trials ? Math.Pow(p, trials) : (3 * p * p * (1 - p)) + (p * p * p);

        Assert.That(CiphertextWindows.BinomialUpperTail(trials, atLeast, p), Is.EqualTo(expected).Within(1e-9).Percent);
    }

    [Test]
    public void Complete_TextTooShortForTheBound_NotRefused()
    {
        // 15 bytes of text: random bytes are all text with probability (98/256)^15, far above 1e-20.
        var windows = new CiphertextWindows();
        windows.Append("id,name\n1,acme\n"u8);

        Assert.That(windows.Complete(), Is.Null);
    }

    [Test]
    public void Threshold_OneWindow_IsTheDocumentedChernoffBound()
    {
        var threshold = CiphertextWindows.Threshold(255);
        var t = threshold / 255;

        Assert.That(threshold, Is.EqualTo(537).Within(1));
        Assert.That(Math.Exp(-(255 / 2.0) * (t - 1 - Math.Log(t))), Is.EqualTo(CiphertextWindows.FalseRefusalPerCheck).Within(1e-22));
    }

    [Test]
    public void AddCounts_RandomLengthsAndOffsets_EqualANaivePerByteCount()
    {
        // Unaligned starts and every length class of the 16-byte loop and its tail, on skewed and uniform bytes.
        var random = new Random(20261130);
        var buffer = new byte[70_000];
        for (var run = 0; run < 500; run++)
        {
            if (run % 2 == 0)
            {
                random.NextBytes(buffer);
            }
            else
            {
                for (var i = 0; i < buffer.Length; i++)
                {
                    buffer[i] = (byte)(random.Next(4) == 0 ? 0xFF : random.Next(8));
                }
            }

            var offset = random.Next(0, 64);
            var length = run < 64 ? run : random.Next(0, buffer.Length - offset);
            var slice = buffer.AsSpan(offset, length);
            var counts = new long[256];
            counts[0xFF] = 5;

            CiphertextWindows.AddCounts(slice, counts);

            var expected = NaiveCounts(slice);
            expected[0xFF] += 5;
            Assert.That(counts, Is.EqualTo(expected), $"run {run}: offset {offset}, length {length}");
        }
    }

    [Test]
    public void Append_RandomSplits_CountsEveryByteOfTheCurrentWindow()
    {
        var random = new Random(8);
        var data = new byte[5 * CiphertextWindows.WindowLength + 12_345];
        random.NextBytes(data);
        for (var run = 0; run < 20; run++)
        {
            var windows = new CiphertextWindows();
            var position = 0;
            while (position < data.Length)
            {
                var take = Math.Min(data.Length - position, random.Next(0, 3) switch { 0 => random.Next(1, 17), 1 => random.Next(1, 5000), _ => random.Next(1, 2 * CiphertextWindows.WindowLength) });
                Assert.That(windows.Append(data.AsSpan(position, take)), Is.Null);
                position += take;

                var windowStart = position / CiphertextWindows.WindowLength * CiphertextWindows.WindowLength;
                Assert.That(windows.WindowsTested, Is.EqualTo(position / CiphertextWindows.WindowLength));
                Assert.That(windows.PartialWindowLength, Is.EqualTo(position - windowStart));
                Assert.That(windows.PartialWindowCounts.ToArray(), Is.EqualTo(NaiveCounts(data.AsSpan(windowStart, position - windowStart))), $"run {run}, after {position} bytes");
            }
        }
    }

    [Test]
    public void ThresholdLowerBound_EveryRunningTotalUpToFourGiB_IsBelowTheThreshold()
    {
        // The running-total check skips the bisection when the total is at or below this bound: it must never exceed it.
        for (long windows = 1; windows <= 65_536; windows = windows < 64 ? windows + 1 : windows * 5 / 4)
        {
            var degrees = 255.0 * windows;
            Assert.That(CiphertextWindows.ThresholdLowerBound(degrees), Is.LessThan(CiphertextWindows.Threshold(degrees)), $"{windows} windows");
        }

        Assert.That(CiphertextWindows.ThresholdLowerBound(255.0 * 65_536), Is.LessThan(CiphertextWindows.Threshold(255.0 * 65_536)));
    }

    [Test]
    public void Append_RunningTotalJustAboveTheThreshold_Refused()
    {
        // Windows that pass one by one (chi-square about 420, below the single-window 537) but whose running total
        // exceeds the three-window threshold (1,204): the running-total check must still run past the closed-form bound.
        var unevenWindow = SkewedWindow(new Random(3), 1.05);
        var windows = new CiphertextWindows();

        var problem = windows.Append(unevenWindow) ?? windows.Append(unevenWindow) ?? windows.Append(unevenWindow) ?? windows.Append(unevenWindow);

        Assert.That(problem, Does.Contain("its first 3 64 KiB windows together"));
    }

    private static byte[] SkewedWindow(Random random, double weightOfEvenBytes)
    {
        // Even byte values slightly more likely than odd ones: a small, even excess in every bin.
        var window = new byte[CiphertextWindows.WindowLength];
        for (var i = 0; i < window.Length; i++)
        {
            var value = random.Next(256);
            if ((value & 1) == 1 && random.NextDouble() < weightOfEvenBytes - 1)
            {
                value ^= 1;
            }

            window[i] = (byte)value;
        }

        return window;
    }

    private static long[] NaiveCounts(ReadOnlySpan<byte> bytes)
    {
        var counts = new long[256];
        foreach (var value in bytes)
        {
            counts[value]++;
        }

        return counts;
    }

    private static byte[] Json(int records) =>
        Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, records).Select(i => $$"""{"id":{{i}},"customer":"c-{{(i * 7919) % 10007}}","amount":{{i * 3.17:F2}},"ok":{{(i % 3 == 0 ? "true" : "false")}}}""")) + "]");

    /// <summary>CSV with random-looking values, which compresses less (and so looks more random) than repetitive rows.</summary>
    private static byte[] RealisticCsv(int rows)
    {
        var random = new Random(7);
        var text = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},{random.NextDouble():R},name{random.Next(100_000)},{random.Next(1_000_000_000)}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Compress(byte[] data, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var compressing = compressor(output))
        {
            compressing.Write(data);
        }

        return output.ToArray();
    }
}
