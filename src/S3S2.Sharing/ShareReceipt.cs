namespace S3S2.Sharing;

/// <summary>What a complete share wrote.</summary>
/// <param name="ShareId">The share id; ids sort by creation time.</param>
/// <param name="ManifestKey">The object key of the encrypted manifest (uploaded last).</param>
/// <param name="Files">One entry per shared file, in relative-path order.</param>
public sealed record ShareReceipt(string ShareId, string ManifestKey, IReadOnlyList<SharedFile> Files);
