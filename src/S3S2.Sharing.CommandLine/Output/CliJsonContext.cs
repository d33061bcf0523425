using System.Text.Json.Serialization;
using S3S2.Sharing;
using S3S2.Sharing.Audit;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.CommandLine.Output;

/// <summary>The JSON the CLI prints: camelCase, SHA-256 as lower-case hex.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ShareReceipt))]
[JsonSerializable(typeof(ShareListing))]
[JsonSerializable(typeof(SignerListing))]
[JsonSerializable(typeof(List<ReceivedShare>))]
[JsonSerializable(typeof(BucketAuditReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
