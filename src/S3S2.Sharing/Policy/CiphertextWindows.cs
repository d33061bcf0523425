using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace S3S2.Sharing.Policy;

/// <summary>
/// A cheap test that the encrypted payload of a body looks like ciphertext: Pearson's chi-square statistic of the byte
/// histogram of every 64 KiB window, and of all full windows so far together, must stay below a threshold that
/// uniformly random bytes (what AES-CFB/GCM output is, to any test this cheap) exceed with probability at most
/// 1e-20 per check.
/// </summary>
/// <remarks>
/// <para>
/// Derivation. For uniformly random bytes the statistic of n bytes over k bins is approximately chi-square
/// distributed with d = k - 1 degrees of freedom. The Chernoff bound for that distribution is
/// P(X ≥ t·d) ≤ exp(-(d/2)(t - 1 - ln t)) for t &gt; 1; the threshold is the smallest t·d that makes this ≤ 1e-20
/// (537 for one 64 KiB window with 256 bins, mean 255; 881 for two windows together, mean 510; 4.21 million for a
/// GiB's 16,384 windows together, mean 4.18 million). A GiB is at most 16,384 window checks plus 16,384 running-total
/// checks plus one check of each object's last partial window (a tail can be refused only from 48 bytes on, so fewer
/// than 23 million): by the union bound, fewer than 2.3e7 × 1e-20 ≈ 2.3e-13 false refusals per GiB, below the required
/// 1e-12.
/// The histogram checks' share of it (under 4.3e6 checks, 4e-14) keeps a margin of 20 for the approximation of the
/// multinomial statistic by the chi-square law (every bin expects at least 16 bytes); the short tails' test below is
/// exact.
/// </para>
/// <para>
/// Power. Plaintext CSV and JSON score in the millions per window; zlib/gzip output of them scores 400–1,800 per
/// window (deflate's Huffman codes leave the byte histogram uneven), so single windows may pass but the running total
/// of two or more windows fails.
/// </para>
/// <para>
/// Short tails. A last partial window under 256 bytes is too short for the histogram; it is tested for text instead:
/// the count of its bytes that are tab, line feed, carriage return or printable ASCII (98 of the 256 values), refused
/// when random bytes would have that many with probability at most 1e-20 (the exact binomial tail). All text is
/// refused from 48 bytes on; a CSV of 140 bytes in a data packet (with its 22 bytes of MDC) scores far beyond the
/// bound. Shorter tails, and short plaintext that is mostly binary, pass. This is the one check of the last partial
/// window the union bound above counts.
/// </para>
/// </remarks>
internal sealed class CiphertextWindows
{
    /// <summary>The window the histogram is taken over.</summary>
    public const int WindowLength = 64 * 1024;

    /// <summary>A last partial window shorter than this is tested for text bytes only (too few bytes for the histogram).</summary>
    public const int MinimumHistogramLength = 256;

    /// <summary>How many of the 256 byte values are text: tab, line feed, carriage return and 0x20-0x7E.</summary>
    private const int TextByteValues = 3 + (0x7E - 0x20 + 1);

    /// <summary>The per-check false-refusal probability the thresholds are derived for.</summary>
    public const double FalseRefusalPerCheck = 1e-20;

    private const int ByteValues = 256;

    /// <summary>The fewest bytes each bin must expect for the chi-square approximation to hold.</summary>
    private const int MinimumExpectedPerBin = 16;

    private static readonly double WindowThreshold = Threshold(ByteValues - 1);

    private readonly long[] _counts = new long[ByteValues];
    private int _filled;
    private long _windows;
    private double _total;

    /// <summary>Gets the number of full windows tested so far.</summary>
    public long WindowsTested => _windows;

    /// <summary>
    /// Gets how many of the body's first bytes lie before the end of the last window that passed: every payload byte
    /// among them has been tested. The body offsets are those given to <see cref="Append"/>.
    /// </summary>
    public long JudgedBodyLength { get; private set; }

    /// <summary>The chi-square value above which <paramref name="degreesOfFreedom"/> degrees of freedom are refused.</summary>
    public static double Threshold(double degreesOfFreedom)
    {
        // Solve (d/2)(t - 1 - ln t) = -ln p for t > 1 by bisection; the left side grows with t.
        var target = -Math.Log(FalseRefusalPerCheck);
        double low = 1, high = 2;
        while (degreesOfFreedom / 2 * (high - 1 - Math.Log(high)) < target)
        {
            high *= 2;
        }

        for (var i = 0; i < 100; i++)
        {
            var middle = (low + high) / 2;
            if (degreesOfFreedom / 2 * (middle - 1 - Math.Log(middle)) < target)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return high * degreesOfFreedom;
    }

    /// <summary>Pearson's chi-square statistic of byte counts against the uniform distribution over <paramref name="bins"/> bins.</summary>
    public static double ChiSquare(ReadOnlySpan<long> counts, long total, int bins)
    {
        var expected = (double)total / bins;
        var sum = 0.0;
        foreach (var count in counts)
        {
            var difference = count - expected;
            sum += difference * difference;
        }

        return sum / expected;
    }

    /// <summary>Takes encrypted payload bytes; returns why they do not look like ciphertext, or <see langword="null"/>.</summary>
    /// <param name="payload">The next payload bytes.</param>
    /// <param name="bodyOffset">Where <paramref name="payload"/> starts in the body (0 where the body is all payload).</param>
    public string? Append(ReadOnlySpan<byte> payload, long bodyOffset = 0)
    {
        var consumed = 0;
        while (consumed < payload.Length)
        {
            var take = Math.Min(payload.Length - consumed, WindowLength - _filled);
            AddCounts(payload.Slice(consumed, take), _counts);

            _filled += take;
            consumed += take;
            if (_filled == WindowLength)
            {
                var problem = CloseWindow();
                if (problem is not null)
                {
                    return problem;
                }

                JudgedBodyLength = bodyOffset + consumed;
            }
        }

        return null;
    }

    /// <summary>Gets the histogram of the current, not yet full window (for tests).</summary>
    internal ReadOnlySpan<long> PartialWindowCounts => _counts;

    /// <summary>Gets the number of bytes in the current, not yet full window.</summary>
    internal int PartialWindowLength => _filled;

    /// <summary>
    /// The smallest value <see cref="Threshold"/> can return for <paramref name="degreesOfFreedom"/>, in closed form:
    /// for t ≥ 1, t - 1 - ln t ≤ (t - 1)²/2, so the solution satisfies t ≥ 1 + 2·sqrt(-ln p / d), and the threshold
    /// t·d ≥ d + 2·sqrt(-ln p · d). Lowered by a relative 1e-9 against rounding. A running total at or below it passes
    /// without the bisection, which is then only run for a total that might fail: the thresholds themselves are unchanged.
    /// </summary>
    internal static double ThresholdLowerBound(double degreesOfFreedom) =>
        (degreesOfFreedom + (2 * Math.Sqrt(-Math.Log(FalseRefusalPerCheck) * degreesOfFreedom))) * (1 - 1e-9);

    /// <summary>
    /// Adds the bytes to <paramref name="counts"/> (256 entries, one per byte value). Eight bytes per 64-bit load, into
    /// four interleaved tables so that runs of equal bytes do not serialize on one counter, indexed without bounds
    /// checks: a byte value is below 256 and each table holds 256 counters, so every index is inside the 1,024.
    /// This runs on every byte of every upload.
    /// </summary>
    internal static void AddCounts(ReadOnlySpan<byte> bytes, Span<long> counts)
    {
        if (counts.Length != ByteValues)
        {
            throw new ArgumentException("The histogram needs one counter per byte value.", nameof(counts));
        }

        // uint counters: a call counts at most int.MaxValue bytes.
        Span<uint> tables = stackalloc uint[4 * ByteValues];
        ref var table = ref MemoryMarshal.GetReference(tables);
        ref var source = ref MemoryMarshal.GetReference(bytes);
        var length = (nuint)bytes.Length;
        nuint i = 0;
        for (; i + 16 <= length; i += 16)
        {
            var low = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, i));
            var high = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, i + 8));
            Unsafe.Add(ref table, (nuint)(byte)low)++;
            Unsafe.Add(ref table, ByteValues + (nuint)(byte)(low >> 8))++;
            Unsafe.Add(ref table, (2 * ByteValues) + (nuint)(byte)(low >> 16))++;
            Unsafe.Add(ref table, (3 * ByteValues) + (nuint)(byte)(low >> 24))++;
            Unsafe.Add(ref table, (nuint)(byte)(low >> 32))++;
            Unsafe.Add(ref table, ByteValues + (nuint)(byte)(low >> 40))++;
            Unsafe.Add(ref table, (2 * ByteValues) + (nuint)(byte)(low >> 48))++;
            Unsafe.Add(ref table, (3 * ByteValues) + (nuint)(low >> 56))++;
            Unsafe.Add(ref table, (nuint)(byte)high)++;
            Unsafe.Add(ref table, ByteValues + (nuint)(byte)(high >> 8))++;
            Unsafe.Add(ref table, (2 * ByteValues) + (nuint)(byte)(high >> 16))++;
            Unsafe.Add(ref table, (3 * ByteValues) + (nuint)(byte)(high >> 24))++;
            Unsafe.Add(ref table, (nuint)(byte)(high >> 32))++;
            Unsafe.Add(ref table, ByteValues + (nuint)(byte)(high >> 40))++;
            Unsafe.Add(ref table, (2 * ByteValues) + (nuint)(byte)(high >> 48))++;
            Unsafe.Add(ref table, (3 * ByteValues) + (nuint)(high >> 56))++;
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref table, (nuint)Unsafe.Add(ref source, i))++;
        }

        for (var value = 0; value < ByteValues; value++)
        {
            counts[value] += (long)tables[value] + tables[ByteValues + value] + tables[(2 * ByteValues) + value] + tables[(3 * ByteValues) + value];
        }
    }

    /// <summary>Tests the last, partial window; returns why it does not look like ciphertext, or <see langword="null"/>.</summary>
    public string? Complete()
    {
        if (_filled < MinimumHistogramLength)
        {
            return ShortTailProblem();
        }

        // Fold the byte values into fewer bins (by their high bits) until each bin expects enough bytes.
        var bins = ByteValues;
        while (bins > 2 && _filled / bins < MinimumExpectedPerBin)
        {
            bins /= 2;
        }

        var shift = 0;
        while (ByteValues >> shift > bins)
        {
            shift++;
        }

        Span<long> folded = stackalloc long[bins];
        for (var value = 0; value < ByteValues; value++)
        {
            folded[value >> shift] += _counts[value];
        }

        var statistic = ChiSquare(folded, _filled, bins);
        var threshold = Threshold(bins - 1);
        return statistic > threshold
            ? Describe(string.Create(CultureInfo.InvariantCulture, $"its last {_filled} bytes"), statistic, threshold)
            : null;
    }

    /// <summary>P(X ≥ <paramref name="atLeast"/>) for X binomial with <paramref name="trials"/> trials of probability <paramref name="p"/>, summed exactly.</summary>
    internal static double BinomialUpperTail(int trials, int atLeast, double p)
    {
        // log C(n, k) built up term by term; n is below 256, so this is a few hundred steps once per object.
        double logChoose = 0, tail = 0, logP = Math.Log(p), logQ = Math.Log(1 - p);
        for (var k = 0; k <= trials; k++)
        {
            if (k > 0)
            {
                logChoose += Math.Log(trials - k + 1) - Math.Log(k);
            }

            if (k >= atLeast)
            {
                tail += Math.Exp(logChoose + (k * logP) + ((trials - k) * logQ));
            }
        }

        return tail;
    }

    private static bool IsText(int value) => value is 0x09 or 0x0A or 0x0D or (>= 0x20 and <= 0x7E);

    private string? ShortTailProblem()
    {
        var text = 0;
        for (var value = 0; value < ByteValues; value++)
        {
            if (IsText(value))
            {
                text += (int)_counts[value];
            }
        }

        var probability = BinomialUpperTail(_filled, text, TextByteValues / (double)ByteValues);
        return probability > FalseRefusalPerCheck
            ? null
            : string.Create(
                CultureInfo.InvariantCulture,
                $"the encrypted payload does not look like ciphertext in its last {_filled} bytes ({text} of them are text: tab, line feed, carriage return or printable ASCII; random data has that many with probability {probability:E1}): the encryptor wrote plaintext");
    }

    private string? CloseWindow()
    {
        var statistic = ChiSquare(_counts, WindowLength, ByteValues);
        Array.Clear(_counts);
        _filled = 0;
        _windows++;
        if (statistic > WindowThreshold)
        {
            return Describe(string.Create(CultureInfo.InvariantCulture, $"64 KiB window {_windows}"), statistic, WindowThreshold);
        }

        _total += statistic;
        if (_windows > 1 && _total > ThresholdLowerBound((ByteValues - 1) * (double)_windows))
        {
            var totalThreshold = Threshold((ByteValues - 1) * (double)_windows);
            if (_total > totalThreshold)
            {
                return Describe(string.Create(CultureInfo.InvariantCulture, $"its first {_windows} 64 KiB windows together"), _total, totalThreshold);
            }
        }

        return null;
    }

    private static string Describe(string what, double statistic, double threshold) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"the encrypted payload does not look like ciphertext in {what} (byte-histogram chi-square {statistic:F0}, random data stays below {threshold:F0}): the encryptor wrote plaintext or merely compressed data");
}
