namespace S3S2.Sharing.Receiving;

/// <summary>A complete share: its manifest exists.</summary>
/// <param name="ShareId">The share id; ids sort by creation time.</param>
/// <param name="ManifestKey">The object key of the encrypted manifest.</param>
public sealed record AvailableShare(string ShareId, string ManifestKey);
