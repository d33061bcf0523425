namespace S3S2.Sharing.Manifest;

/// <summary>
/// Who signed a manifest: the signing key's primary fingerprint and its public key (binary transferable public key),
/// so a receiver that pins only the fingerprint can verify the signature. Part of the signed bytes.
/// </summary>
internal sealed record ManifestSigner(string Fingerprint, byte[] PublicKey);
