using System.Text.Json.Serialization;

namespace S3S2.Sharing.Manifest;

/// <summary>The manifest of a share: uploaded last, encrypted like the files; its presence marks the share complete.</summary>
/// <remarks>
/// <see cref="Labels"/> and <see cref="IdempotencyKey"/> are optional and left out of the JSON when absent, so manifests
/// without them read exactly as before.
/// </remarks>
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

    /// <summary>Gets the sender's labels, or <see langword="null"/> when it gave none.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Gets the sender's idempotency key, or <see langword="null"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? IdempotencyKey { get; init; }

    /// <summary>Gets the partner's signing key, when the share is signed; absent from unsigned manifests, which stay as they were.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ManifestSigner? Signer { get; init; }
}
