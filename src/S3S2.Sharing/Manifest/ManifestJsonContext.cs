using System.Text.Json.Serialization;

namespace S3S2.Sharing.Manifest;

/// <summary>Source-generated JSON for the manifest (camelCase, no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ShareManifest))]
[JsonSerializable(typeof(SignedManifestEnvelope))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
