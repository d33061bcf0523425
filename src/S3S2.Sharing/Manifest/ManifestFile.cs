namespace S3S2.Sharing.Manifest;

/// <summary>One file of a share: where it is and what its plaintext must be.</summary>
internal sealed record ManifestFile(string Path, string Key, long Size, string Sha256, string Compression);
