namespace S3S2.Sharing.Storage;

/// <summary>What lies directly under a prefix: object keys, and folder prefixes (without the trailing '/').</summary>
internal sealed record StoreListing(IReadOnlyList<string> ObjectKeys, IReadOnlyList<string> Folders);
