using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary>What a share needs, whether it comes from the command line or the demo. <see cref="StdinName"/> is set when the only path is "-" (standard input); <see cref="CompressionLevel"/> is <see langword="null"/> for the library's default.</summary>
internal sealed record ShareSettings(
    IReadOnlyList<string> Paths,
    string? To,
    string? Bucket,
    string? Endpoint,
    string? Region,
    string? Prefix,
    IReadOnlyList<string> PgpKeys,
    IReadOnlyList<string> PinnedFingerprints,
    OpenPgpCompression Compression,
    IReadOnlyList<string>? KmsKeys = null,
    string? KmsEndpoint = null,
    string? SseKmsKey = null,
    bool SseS3 = false,
    string? Profile = null,
    string? StdinName = null,
    string? SignKey = null,
    string? SignPassphraseVariable = null,
    int? CompressionLevel = null);
