namespace S3S2.Sharing.Sharing;

/// <summary>One file to share: its relative path and how to open its plaintext.</summary>
internal sealed record ShareSource(string RelativePath, Func<Stream> Open);
