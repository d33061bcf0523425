using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Manifest;

namespace S3S2.Sharing.Signing;

/// <summary>
/// The partner's signing key, read and unlocked once: its primary key makes version-4 OpenPGP signatures of type
/// "binary document" with SHA-256, carrying the creation time and the issuer's key id and fingerprint, as gpg does.
/// </summary>
internal sealed class ManifestSigningKey
{
    private readonly PgpPrivateKey _privateKey;
    private readonly PgpPublicKey _publicKey;

    private ManifestSigningKey(PgpPrivateKey privateKey, PgpPublicKey publicKey, byte[] publicRing)
    {
        _privateKey = privateKey;
        _publicKey = publicKey;
        Identity = new ManifestSigner(Convert.ToHexString(publicKey.GetFingerprint()), publicRing);
    }

    /// <summary>Gets the fingerprint and public key written into each signed manifest.</summary>
    public ManifestSigner Identity { get; }

    /// <summary>Reads the signing key and checks it against the pinned fingerprint without unlocking it; returns the problem, or <see langword="null"/>.</summary>
    public static string? FindProblem(ShareSigningOptions options)
    {
        try
        {
            _ = ReadSecretKey(options);
            return null;
        }
        catch (EncryptionKeyException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Reads, checks and unlocks the signing key.</summary>
    /// <exception cref="EncryptionKeyException">The key is missing, unreadable, not a signing key, not the pinned one, or the passphrase is wrong.</exception>
    public static ManifestSigningKey Load(ShareSigningOptions options)
    {
        var (secret, publicRing, source) = ReadSecretKey(options);
        var protectedKey = secret.KeyEncryptionAlgorithm != SymmetricKeyAlgorithmTag.Null;
        if (protectedKey && options.Passphrase is null)
        {
            throw new EncryptionKeyException($"The signing key in the {source} is protected by a passphrase, but none is configured. Set ShareSigningOptions.Passphrase (CLI: --passphrase-env VAR).");
        }

        var passphrase = protectedKey ? options.Passphrase!().ToCharArray() : [];
        try
        {
            var privateKey = secret.ExtractPrivateKey(passphrase)
                ?? throw new EncryptionKeyException($"The signing key in the {source} holds no private key material (a stub). Export the full secret key.");
            return new ManifestSigningKey(privateKey, secret.PublicKey, publicRing);
        }
        catch (PgpException ex)
        {
            throw new EncryptionKeyException($"Cannot unlock the signing key in the {source}: the passphrase is wrong or the key is damaged. Check the passphrase (ShareSigningOptions.Passphrase, CLI: --passphrase-env VAR).", ex);
        }
        finally
        {
            Array.Clear(passphrase);
        }
    }

    /// <summary>Starts a signature over data to come (the one-pass signed form and the detached form hash the same bytes).</summary>
    public PgpSignatureGenerator Begin()
    {
        var generator = new PgpSignatureGenerator(_publicKey.Algorithm, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.BinaryDocument, _privateKey);
        var subpackets = new PgpSignatureSubpacketGenerator();
        subpackets.SetSignatureCreationTime(false, DateTime.UtcNow);
        subpackets.SetIssuerFingerprint(false, _publicKey);
        generator.SetHashedSubpackets(subpackets.Generate());
        var unhashed = new PgpSignatureSubpacketGenerator();
        unhashed.SetIssuerKeyID(false, _publicKey.KeyId);
        generator.SetUnhashedSubpackets(unhashed.Generate());
        return generator;
    }

    /// <summary>A detached signature packet (binary) over <paramref name="data"/>.</summary>
    public byte[] SignDetached(ReadOnlySpan<byte> data)
    {
        var generator = Begin();
        generator.Update(data);
        using var output = new MemoryStream();
        generator.Generate().Encode(output);
        return output.ToArray();
    }

    private static (PgpSecretKey Key, byte[] PublicRing, string Source) ReadSecretKey(ShareSigningOptions options)
    {
        var source = options.SigningKey ?? throw new EncryptionKeyException("No signing key is configured. Set ShareSigningOptions.SigningKey = OpenPgpKeySource.FromFile(\"partner.sec.asc\") (CLI: share --sign-key FILE; make one with s3s2 keygen --signing).");
        var bytes = source.ReadAll();
        PgpSecretKeyRing? ring = null;
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(bytes, writable: false));
            var item = new PgpObjectFactory(input).NextPgpObject();
            ring = item switch
            {
                PgpSecretKeyRing secret => secret,
                PgpPublicKeyRing => throw new EncryptionKeyException($"The {source} holds a public key, but signing needs the partner's secret key. Give the secret key file (s3s2 keygen --signing: NAME.sec.asc; gpg: gpg --armor --export-secret-keys KEYID)."),
                null => null,
                _ => throw new EncryptionKeyException($"The {source} holds an OpenPGP {item.GetType().Name}, not a secret key. Give the partner's exported secret signing key."),
            };
        }
        catch (Exception ex) when (ex is IOException or PgpException or ArgumentException or InvalidOperationException)
        {
            throw new EncryptionKeyException($"The {source} is not a readable OpenPGP secret key ({ex.Message}). Give an armored (.asc) or binary secret key (s3s2 keygen --signing, or gpg --export-secret-keys).", ex);
        }

        var secretKey = ring?.GetSecretKey() ?? throw new EncryptionKeyException($"The {source} holds no OpenPGP secret key. Give an armored (.asc) or binary secret key (s3s2 keygen --signing, or gpg --export-secret-keys).");
        var fingerprint = Convert.ToHexString(secretKey.PublicKey.GetFingerprint());
        if (!CanSign(secretKey.PublicKey))
        {
            throw new EncryptionKeyException($"The primary key {fingerprint} in the {source} uses {secretKey.PublicKey.Algorithm}, which cannot make signatures S3S2 accepts. Use an RSA (2048 bits or more), ECDSA or Ed25519 key (s3s2 keygen --signing makes one).");
        }

        if (options.PinnedFingerprint is { } pinned && !string.Equals(OpenPgpRecipientKeys.NormalizeFingerprint(pinned), fingerprint, StringComparison.Ordinal))
        {
            throw new EncryptionKeyException($"The signing key in the {source} has fingerprint {fingerprint}, but {pinned} is pinned (the share profile's signingKeyFingerprint or ShareSigningOptions.PinnedFingerprint). Sign with the pinned key, or update the pin if the partner's key changed.");
        }

        // The primary key with its user ids and self-signatures is all a receiver needs to verify (subkeys never sign here).
        using var publicKey = new MemoryStream();
        secretKey.PublicKey.Encode(publicKey);
        return (secretKey, publicKey.ToArray(), source.Description);
    }

    private static bool CanSign(PgpPublicKey key) => key.Algorithm switch
    {
        PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign => key.BitStrength >= 2048,
        PublicKeyAlgorithmTag.ECDsa or PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.Ed25519 => true,
        _ => false,
    };
}
