namespace S3S2.Sharing.Encryption;

/// <summary>Describes the messages an encryptor writes.</summary>
/// <param name="Mode">The format: <c>openpgp</c> or <c>kms-envelope</c>.</param>
/// <param name="ObjectKeySuffix">The extension appended to object keys (for example <c>.gpg</c>).</param>
/// <param name="Recipients">Who can decrypt: OpenPGP primary-key fingerprints or KMS key ids.</param>
/// <param name="Compression">The compression applied before encryption (<c>none</c> or <c>zlib</c>).</param>
public sealed record EncryptionDescriptor(string Mode, string ObjectKeySuffix, IReadOnlyList<string> Recipients, string Compression);
