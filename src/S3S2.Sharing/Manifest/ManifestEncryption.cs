namespace S3S2.Sharing.Manifest;

/// <summary>How the files of a share are encrypted.</summary>
internal sealed record ManifestEncryption(string Mode, IReadOnlyList<string> Recipients);
