using System.Globalization;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using S3S2.Sharing.Policy;

namespace S3S2.MicroBenchmarks;

/// <summary>
/// The policy's ciphertext test (byte histogram of every 64 KiB window, chi-square per window and of the running
/// total) over 16 MiB of random bytes fed in 1 MiB pieces, as the share pipe's segments arrive: the previous
/// implementation (copied here as the baseline) against <see cref="CiphertextWindows"/>. The MB/s column is the
/// 16 MiB over the mean time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class HistogramBenchmarks
{
    internal const int InputLength = 16 * 1024 * 1024;
    private const int PieceLength = 1024 * 1024;
    private readonly byte[] _input = RandomNumberGenerator.GetBytes(InputLength);

    [Benchmark(Baseline = true)]
    public long Previous()
    {
        var windows = new PreviousCiphertextWindows();
        for (var offset = 0; offset < _input.Length; offset += PieceLength)
        {
            if (windows.Append(_input.AsSpan(offset, PieceLength)) is { } problem)
            {
                throw new InvalidOperationException(problem);
            }
        }

        return windows.WindowsTested;
    }

    [Benchmark]
    public long Current()
    {
        var windows = new CiphertextWindows();
        for (var offset = 0; offset < _input.Length; offset += PieceLength)
        {
            if (windows.Append(_input.AsSpan(offset, PieceLength)) is { } problem)
            {
                throw new InvalidOperationException(problem);
            }
        }

        return windows.WindowsTested;
    }

    /// <summary>Adds the MB/s column.</summary>
    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddColumn(new ThroughputColumn());
    }

    /// <summary>Megabytes (10^6 bytes) of input per second of the mean time.</summary>
    private sealed class ThroughputColumn : IColumn
    {
        public string Id => nameof(ThroughputColumn);

        public string ColumnName => "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Megabytes (10^6 bytes) of input per second of the mean time";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return mean is > 0 ? (InputLength / (mean.Value / 1e9) / 1e6).ToString("F0", CultureInfo.InvariantCulture) : "-";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }

    /// <summary>The implementation before the 64-bit loads and the closed-form lower bound, kept as the baseline.</summary>
    private sealed class PreviousCiphertextWindows
    {
        private const int ByteValues = 256;
        private static readonly double WindowThreshold = CiphertextWindows.Threshold(ByteValues - 1);
        private readonly long[] _counts = new long[ByteValues];
        private int _filled;
        private double _total;

        public long WindowsTested { get; private set; }

        public string? Append(ReadOnlySpan<byte> payload)
        {
            while (!payload.IsEmpty)
            {
                var take = Math.Min(payload.Length, CiphertextWindows.WindowLength - _filled);
                Count(payload[..take]);
                _filled += take;
                payload = payload[take..];
                if (_filled == CiphertextWindows.WindowLength)
                {
                    var statistic = CiphertextWindows.ChiSquare(_counts, CiphertextWindows.WindowLength, ByteValues);
                    Array.Clear(_counts);
                    _filled = 0;
                    WindowsTested++;
                    if (statistic > WindowThreshold)
                    {
                        return "window";
                    }

                    _total += statistic;
                    if (WindowsTested > 1 && _total > CiphertextWindows.Threshold((ByteValues - 1) * (double)WindowsTested))
                    {
                        return "running total";
                    }
                }
            }

            return null;
        }

        private void Count(ReadOnlySpan<byte> bytes)
        {
            Span<int> tables = stackalloc int[4 * ByteValues];
            var i = 0;
            for (; i + 4 <= bytes.Length; i += 4)
            {
                tables[bytes[i]]++;
                tables[ByteValues + bytes[i + 1]]++;
                tables[(2 * ByteValues) + bytes[i + 2]]++;
                tables[(3 * ByteValues) + bytes[i + 3]]++;
            }

            for (; i < bytes.Length; i++)
            {
                tables[bytes[i]]++;
            }

            for (var value = 0; value < ByteValues; value++)
            {
                _counts[value] += tables[value] + tables[ByteValues + value] + tables[(2 * ByteValues) + value] + tables[(3 * ByteValues) + value];
            }
        }
    }
}
