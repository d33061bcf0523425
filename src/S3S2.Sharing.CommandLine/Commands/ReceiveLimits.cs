namespace S3S2.Sharing.CommandLine.Commands;

/// <summary>The receiver's limits given on the command line; <see langword="null"/> keeps the library's default.</summary>
internal sealed record ReceiveLimits(long? MaxFileBytes, long? MaxShareBytes, int? MaxFiles, int? MaxPathDepth, int? MaxExpansionRatio, int? ReadTimeoutSeconds);
