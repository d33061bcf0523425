namespace S3S2.Sharing.CommandLine.Commands;

/// <summary>Where shares are read from and which secret keys decrypt them.</summary>
internal sealed record ReceiveSettings(
    string? From,
    string? Bucket,
    string? Endpoint,
    string? Region,
    string? Prefix,
    IReadOnlyList<string> SecretKeys,
    string? PassphraseVariable,
    string? KmsEndpoint = null,
    IReadOnlyList<string>? KmsKeys = null,
    bool DeleteAfterReceive = false,
    IReadOnlyList<string>? KmsAccounts = null,
    ReceiveLimits? Limits = null,
    IReadOnlyList<string>? RequiredSigners = null);
