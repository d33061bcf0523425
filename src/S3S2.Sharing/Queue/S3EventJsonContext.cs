using System.Text.Json.Serialization;

namespace S3S2.Sharing.Queue;

/// <summary>Source-generated reading of S3 event notifications (S3 writes <c>Records</c> but <c>eventName</c>, so names match case-insensitively).</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(S3EventMessage))]
internal sealed partial class S3EventJsonContext : JsonSerializerContext;
