using System.Text.Json.Serialization;

namespace S3S2.Sharing.Manifest;

/// <summary>The manifest of a share: uploaded last, encrypted like the files; its presence marks the share complete.</summary>
internal sealed record ShareManifest(
    int FormatVersion,
    string ShareId,
    DateTimeOffset CreatedUtc,
    string Sender,
    string Library,
    ManifestEncryption Encryption,
    IReadOnlyList<ManifestFile> Files)
{
    public const int CurrentFormatVersion = 1;

    /// <summary>Gets the partner's signing key, when the share is signed; absent from unsigned manifests, which stay as they were.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ManifestSigner? Signer { get; init; }
}
