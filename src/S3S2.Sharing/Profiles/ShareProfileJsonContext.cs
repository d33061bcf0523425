using System.Text.Json.Serialization;

namespace S3S2.Sharing.Profiles;

/// <summary>Source-generated JSON for profiles (camelCase, indented, no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ShareProfile))]
internal sealed partial class ShareProfileJsonContext : JsonSerializerContext;
