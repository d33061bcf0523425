using System.CommandLine;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary>The options naming where shares are read from and how they are decrypted, shared by list and receive.</summary>
internal sealed class SourceOptions
{
    public Option<string?> From { get; } = new("--from") { Description = "Read shares from a local folder store (the folder 's3s2 share --to' wrote)." };

    public Option<string?> Bucket { get; } = new("--bucket") { Description = "Read shares from this S3 bucket." };

    public Option<string?> Endpoint { get; } = new("--endpoint") { Description = "An S3-compatible endpoint URL (path-style). Credentials come from the standard AWS chain." };

    public Option<string?> Region { get; } = new("--region") { Description = "The AWS region; default: the standard AWS chain (AWS_REGION, profile)." };

    public Option<string?> Prefix { get; } = new("--prefix") { Description = "The key prefix the partner writes under; a trailing '/' is ignored." };

    public Option<string[]> SecretKeys { get; } = new("--pgp-secret-key") { Description = "The receiver's OpenPGP secret key file, armored or binary (repeatable).", Arity = ArgumentArity.OneOrMore };

    public Option<string?> PassphraseEnv { get; } = new("--passphrase-env") { Description = "The environment variable holding the secret key's passphrase." };

    public Option<string?> KmsEndpoint { get; } = new("--kms-endpoint") { Description = "A KMS-compatible endpoint URL for KMS envelope messages; default: AWS KMS in the region the message's key ARN names." };

    public Option<string[]> KmsKeys { get; } = new("--kms-key") { Description = "A KMS key ARN that may decrypt KMS envelope messages (repeatable). KMS envelope messages need this or --kms-account: KMS is never called with a key you did not allow.", Arity = ArgumentArity.OneOrMore };

    public Option<string[]> KmsAccounts { get; } = new("--kms-account") { Description = "An AWS account (12 digits) any of whose KMS keys may decrypt KMS envelope messages (repeatable).", Arity = ArgumentArity.OneOrMore };

    public Option<string[]> RequiredSigners { get; } = new("--require-signer") { Description = "Receive only shares signed by this partner key: FINGERPRINT, or PREFIX=FINGERPRINT for shares under that prefix only (repeatable). receive refuses other shares (exit 3); list shows them as REFUSED.", Arity = ArgumentArity.OneOrMore };

    public SourceOptions() => PathCompletions.AddTo(From, SecretKeys);

    public IEnumerable<Option> Store => [From, Bucket, Endpoint, Region, Prefix];

    public ReceiveSettings Read(ParseResult result) => new(
        result.GetValue(From),
        result.GetValue(Bucket),
        result.GetValue(Endpoint),
        result.GetValue(Region),
        result.GetValue(Prefix),
        result.GetValue(SecretKeys) ?? [],
        result.GetValue(PassphraseEnv),
        result.GetValue(KmsEndpoint),
        result.GetValue(KmsKeys) ?? [],
        KmsAccounts: result.GetValue(KmsAccounts) ?? [],
        RequiredSigners: result.GetValue(RequiredSigners) ?? []);
}
