namespace S3S2.Sharing.Receiving;

/// <summary>One file of a received share.</summary>
/// <param name="Path">The relative path from the manifest ('/' separators).</param>
/// <param name="Status">What happened to it.</param>
/// <param name="Size">The plaintext size the manifest lists.</param>
/// <param name="Sha256">The plaintext SHA-256 the manifest lists, lower-case hex.</param>
/// <param name="Error">Why it failed or conflicted; <see langword="null"/> when it was received.</param>
public sealed record ReceivedFile(string Path, ReceiveStatus Status, long Size, string Sha256, string? Error);
