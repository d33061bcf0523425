using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using S3S2.Sharing.Manifest;

namespace S3S2.Sharing.Signing;

/// <summary>
/// Decides whether a share's manifest is signed by a partner the receiver accepts for the share's prefix, before any
/// file of the share is written. The signing key travels in the signed manifest; pinning its fingerprint pins the key.
/// Accepted: exactly one version-4 signature of type "binary document", SHA-256 or stronger, made by that key's primary
/// key over the exact manifest bytes.
/// </summary>
internal sealed class ManifestSignatureVerifier(string clientName, bool requireSigned, IReadOnlyList<SignerPin> pins)
{
    private const int MaxSignatureBytes = 16 * 1024;

    /// <summary>Builds the verifier from the receive options (already validated).</summary>
    public static ManifestSignatureVerifier Create(string clientName, Receiving.ReceiveClientOptions options) =>
        new(clientName, options.RequireSignedShares, options.PinnedSigners.Select(SignerPin.Parse).ToList());

    /// <summary>
    /// Returns the verified signer's fingerprint, or <see langword="null"/> for an unsigned share this receiver accepts.
    /// </summary>
    /// <param name="shareId">The share.</param>
    /// <param name="prefix">
    /// Where the share lies: its manifest key up to the last '/', so that a queue worker or a client reading a parent
    /// prefix checks each share against the pins of the partner folder it was written to.
    /// </param>
    /// <param name="manifest">The parsed manifest.</param>
    /// <param name="signedBytes">The exact manifest bytes.</param>
    /// <param name="signatures">The signature packets found with the manifest (one-pass inside the message, or the envelope's).</param>
    /// <exception cref="SignerRefusedException">The share is refused for its signer.</exception>
    public string? Verify(string shareId, string prefix, ShareManifest manifest, ReadOnlySpan<byte> signedBytes, IReadOnlyList<byte[]> signatures)
    {
        var share = $"S3S2 receive client '{clientName}': share {shareId} under '{prefix}'";
        var pinsHere = string.Join(", ", pins.Where(p => p.Covers(prefix)).Select(p => p.Fingerprint));
        if (signatures.Count == 0)
        {
            if (manifest.Signer is not null)
            {
                throw Refused($"{share} names signer {manifest.Signer.Fingerprint} in its manifest but carries no signature (stripped or altered)", "Ask the partner to share it again; never receive it by hand.");
            }

            return requireSigned
                ? throw Refused($"{share} is not signed, but signed shares are required (pinned here: {Or(pinsHere)})", "Ask the partner to sign its shares (s3s2 share --sign-key FILE, or AddShareSigning(...)), or stop requiring signatures for this prefix.")
                : null;
        }

        if (signatures.Count > 1)
        {
            throw Refused($"{share} carries {signatures.Count} signatures; a share is signed once", "Ask the partner to share it again with the S3S2 library.");
        }

        if (manifest.Signer is not { Fingerprint: { } claimed, PublicKey: { } publicKeyBytes })
        {
            throw Refused($"{share} is signed but its manifest does not name the signing key", "Ask the partner to share it again with the S3S2 library.");
        }

        var key = ReadPublicKey(share, publicKeyBytes);
        var fingerprint = Convert.ToHexString(key.GetFingerprint());
        if (!string.Equals(fingerprint, claimed, StringComparison.OrdinalIgnoreCase))
        {
            throw Refused($"{share} names signer {claimed} but carries the key {fingerprint}", "Ask the partner to share it again; never receive it by hand.");
        }

        var signature = ReadSignature(share, signatures[0]);
        if (signature.Version != 4 || signature.SignatureType != PgpSignature.BinaryDocument || signature.KeyId != key.KeyId
            || signature.HashAlgorithm is not (HashAlgorithmTag.Sha256 or HashAlgorithmTag.Sha384 or HashAlgorithmTag.Sha512))
        {
            throw Refused(
                $"{share} carries a signature S3S2 does not accept (version {signature.Version}, type {signature.SignatureType}, hash {signature.HashAlgorithm}, issuer {Encryption.OpenPgp.OpenPgpSecretKeys.FormatKeyId(signature.KeyId)}; expected a version 4 binary-document signature with SHA-256 or stronger by {fingerprint})",
                "Ask the partner to sign with the S3S2 library (s3s2 share --sign-key FILE).");
        }

        bool valid;
        try
        {
            signature.InitVerify(key);
            signature.Update(signedBytes);
            valid = signature.Verify();
        }
        catch (PgpException ex)
        {
            throw Refused($"{share}: the signature by {fingerprint} cannot be checked ({ex.Message})", "Ask the partner to share it again.", ex);
        }

        if (!valid)
        {
            throw Refused($"{share}: the signature by {fingerprint} does not verify: the manifest was altered after it was signed", "Ask the partner to share it again; never receive it by hand.");
        }

        if (pins.Count == 0)
        {
            return fingerprint;
        }

        if (pins.Any(p => p.Fingerprint == fingerprint && p.Covers(prefix)))
        {
            return fingerprint;
        }

        var elsewhere = pins.Where(p => p.Fingerprint == fingerprint).Select(p => $"'{p.Prefix}'").ToList();
        throw elsewhere.Count > 0
            ? Refused(
                $"{share} is signed by {fingerprint}, a partner pinned for prefix {string.Join(", ", elsewhere)} only, not for '{prefix}' (pinned here: {Or(pinsHere)})",
                $"A partner may not sign shares under another partner's prefix. If this partner really writes here, pin it for this prefix (--require-signer {prefix}={fingerprint}).")
            : Refused(
                $"{share} is signed by {fingerprint}, which is not pinned (pinned here: {Or(pinsHere)})",
                $"If this partner is expected, pin its key (PinnedSigners, CLI: --require-signer {prefix}={fingerprint}) after checking the fingerprint with the partner.");
    }

    private static string Or(string pins) => pins.Length == 0 ? "none" : pins;

    private static SignerRefusedException Refused(string what, string fix, Exception? inner = null) =>
        inner is null ? new($"{what}; nothing of the share was written. {fix}") : new($"{what}; nothing of the share was written. {fix}", inner);

    private static PgpPublicKey ReadPublicKey(string share, byte[] bytes)
    {
        try
        {
            return new PgpPublicKeyRing(bytes).GetPublicKey();
        }
        catch (Exception ex) when (ex is IOException or PgpException or ArgumentException or InvalidOperationException or InvalidCastException)
        {
            throw Refused($"{share} names a signing key that is not a readable OpenPGP public key", "Ask the partner to share it again.", ex);
        }
    }

    private static PgpSignature ReadSignature(string share, byte[] packet)
    {
        if (packet.Length > MaxSignatureBytes)
        {
            throw Refused($"{share} carries a signature of {packet.Length} bytes, far more than a signature needs", "Ask the partner to share it again.");
        }

        try
        {
            return new PgpObjectFactory(packet).NextPgpObject() is PgpSignatureList { Count: 1 } list
                ? list[0]
                : throw Refused($"{share} carries a signature that is not one OpenPGP signature packet", "Ask the partner to share it again.");
        }
        catch (Exception ex) when (ex is IOException or PgpException or ArgumentException or InvalidOperationException)
        {
            throw Refused($"{share} carries an unreadable signature ({ex.Message})", "Ask the partner to share it again.", ex);
        }
    }
}
