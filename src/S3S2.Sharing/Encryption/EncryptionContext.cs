namespace S3S2.Sharing.Encryption;

/// <summary>The share and file a message belongs to.</summary>
/// <param name="ShareId">The share id.</param>
/// <param name="RelativePath">The file's relative path, or the manifest's object name.</param>
public sealed record EncryptionContext(string ShareId, string RelativePath);
