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
}
