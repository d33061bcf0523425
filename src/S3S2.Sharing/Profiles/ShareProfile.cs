using System.Text.Json.Serialization;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Profiles;

/// <summary>
/// What a receiver hands a partner: where to write and how to encrypt, with the receiver's keys pinned by
/// fingerprint. Made with <c>s3s2 init</c> or <see cref="ShareProfileSerializer.Write"/>; loaded and checked
/// with <see cref="ShareProfileSerializer.Read(string)"/> or <c>builder.UseProfile(path)</c>.
/// </summary>
public sealed class ShareProfile
{
    /// <summary>The profile format version this library writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Gets or sets the profile format version.</summary>
    public int FormatVersion { get; set; } = CurrentFormatVersion;

    /// <summary>Gets or sets the receiver's name (for messages and manifests).</summary>
    public string Receiver { get; set; } = string.Empty;

    /// <summary>Gets or sets the receiver's bucket.</summary>
    public string Bucket { get; set; } = string.Empty;

    /// <summary>Gets or sets the bucket's AWS region, or <see langword="null"/> for the partner's default chain.</summary>
    public string? Region { get; set; }

    /// <summary>Gets or sets the endpoint of an S3-compatible store, or <see langword="null"/> for Amazon S3.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Gets or sets the prefix this partner writes under.</summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Gets or sets how files are encrypted.</summary>
    public ShareProfileEncryption Encryption { get; set; } = new();

    /// <summary>
    /// Gets or sets the IAM role the partner assumes to upload (a role in the receiver's account that may write to
    /// <see cref="Prefix"/>), or <see langword="null"/> to upload with the partner's own credentials.
    /// </summary>
    public ShareProfileRole? AssumeRole { get; set; }

    /// <summary>
    /// Gets or sets the server-side encryption the partner asks S3 for, or <see langword="null"/> for none. With
    /// <see cref="ServerSideEncryptionOptions.Required"/> no setting of the partner's can lift it (for example SSE-KMS with
    /// the receiver's key, which the bucket policy made by <c>s3s2 policy --sse-kms-key</c> demands).
    /// </summary>
    public ServerSideEncryptionOptions? ServerSideEncryption { get; set; }

    /// <summary>
    /// Gets or sets the field profiles of format 1 before <see cref="ServerSideEncryption"/> used (<c>requiredSseKmsKeyId</c>):
    /// partners hold such files, so it is still read (as SSE-KMS with that key, required) but never written.
    /// </summary>
    [JsonInclude]
    [JsonPropertyName("requiredSseKmsKeyId")]
    internal string? LegacyRequiredSseKmsKeyId { get; set; }

    /// <summary>
    /// Gets or sets the fingerprint of the partner's signing key (40 hex digits), or <see langword="null"/>. When set,
    /// every share made with the profile must be signed with exactly that key (<c>AddShareSigning(...)</c>, CLI:
    /// <c>--sign-key FILE</c>); another key, or none, is refused before anything is shared.
    /// </summary>
    public string? SigningKeyFingerprint { get; set; }

    /// <summary>Gets or sets when the profile was made.</summary>
    public DateTimeOffset CreatedUtc { get; set; }

    /// <summary>
    /// Gets or sets for how many days after <see cref="CreatedUtc"/> the profile may be used; <see langword="null"/>
    /// for no limit. An expired profile is refused, so receivers can rotate keys by handing out new profiles.
    /// </summary>
    public int? ExpireDays { get; set; }
}
