using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace S3S2.Sharing.Diagnostics;

/// <summary>
/// The one <see cref="ActivitySource"/> and <see cref="Meter"/> of the library, both named <see cref="Name"/>, so that
/// OpenTelemetry picks up every span and instrument with <c>AddSource("S3S2.Sharing")</c> and
/// <c>AddMeter("S3S2.Sharing")</c>. Each feature declares its own instruments on <see cref="Meter"/> in its folder;
/// the names are listed in the README (Telemetry).
/// </summary>
internal static class S3S2Telemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "S3S2.Sharing";

    private static readonly string? Version = typeof(S3S2Telemetry).Assembly.GetName().Version?.ToString();

    /// <summary>Spans: one per share sent or received, one per file, one per queue message.</summary>
    public static readonly ActivitySource ActivitySource = new(Name, Version);

    /// <summary>Counters and histograms.</summary>
    public static readonly Meter Meter = new(Name, Version);
}
