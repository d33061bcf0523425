namespace S3S2.Sharing.Sharing;

/// <summary>One file to share: its relative path, how to open its plaintext, and its size when known (files, for progress).</summary>
internal sealed record ShareSource(string RelativePath, Func<Stream> Open, long? Length = null);
