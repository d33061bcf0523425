namespace S3S2.Sharing.Manifest;

/// <summary>
/// What a signed share's manifest object holds when the signature cannot travel inside the message itself (KMS
/// envelope mode, or a host's own encryptor): the exact manifest bytes that were signed and a detached OpenPGP
/// signature packet over them. Both are base64 in JSON. An unsigned manifest object holds the manifest JSON itself.
/// </summary>
/// <param name="SignedManifest">The manifest JSON, byte for byte as signed.</param>
/// <param name="Signature">One binary OpenPGP signature packet (version 4, binary document) over <paramref name="SignedManifest"/>.</param>
internal sealed record SignedManifestEnvelope(byte[]? SignedManifest, byte[]? Signature);
