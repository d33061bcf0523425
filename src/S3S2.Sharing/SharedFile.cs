namespace S3S2.Sharing;

/// <summary>One file of a share.</summary>
/// <param name="Path">The relative path with '/' separators.</param>
/// <param name="Key">The object key of the encrypted file.</param>
/// <param name="Size">The plaintext size in bytes.</param>
/// <param name="Sha256">The SHA-256 of the plaintext, lower-case hex.</param>
public sealed record SharedFile(string Path, string Key, long Size, string Sha256);
