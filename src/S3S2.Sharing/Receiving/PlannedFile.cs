using S3S2.Sharing.Manifest;

namespace S3S2.Sharing.Receiving;

/// <summary>A manifest file that passed the checks, with the full path it will be written to.</summary>
internal sealed record PlannedFile(ManifestFile Entry, string Target);
