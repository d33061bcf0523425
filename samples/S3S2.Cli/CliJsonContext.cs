using System.Text.Json.Serialization;
using S3S2.Sharing;

namespace S3S2.Cli;

/// <summary>The JSON the CLI prints: camelCase, SHA-256 as lower-case hex.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ShareReceipt))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
