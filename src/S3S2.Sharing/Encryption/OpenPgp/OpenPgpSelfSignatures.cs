using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// What a key's owner said about it, taken only from self-signatures that verify: anyone can append an unsigned or
/// forged signature packet to a public key, so an unverified one must never decide whether a key may encrypt.
/// </summary>
internal static class OpenPgpSelfSignatures
{
    private const int EncryptionFlags = PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage;

    /// <summary>
    /// Whether <paramref name="key"/> (the primary key or one of its subkeys) may encrypt: its newest verifying
    /// self-signature (a subkey binding, or a user id certification or direct-key signature of the primary) carries
    /// an encryption key flag. A key that has such signatures but none with key flags (made before key flags
    /// existed) is judged by its algorithm. A key without any verifying self-signature may not be used at all.
    /// </summary>
    public static bool AllowsEncryption(PgpPublicKey primary, PgpPublicKey key)
    {
        if (!key.IsEncryptionKey)
        {
            return false;
        }

        if (!key.IsMasterKey)
        {
            return NewestBinding(primary, key) is { } binding && FlagsAllowEncryption(binding);
        }

        var verified = VerifiedPrimarySelfSignatures(primary).ToList();
        var newestWithFlags = verified
            .Where(s => s.HasSubpackets && s.GetHashedSubPackets().HasSubpacket(SignatureSubpacketTag.KeyFlags))
            .MaxBy(s => s.CreationTime);
        return verified.Count > 0 && (newestWithFlags is null || FlagsAllowEncryption(newestWithFlags));
    }

    /// <summary>The newest subkey binding signature by <paramref name="primary"/> that verifies, or <see langword="null"/>.</summary>
    public static PgpSignature? NewestBinding(PgpPublicKey primary, PgpPublicKey subkey)
    {
        PgpSignature? newest = null;
        foreach (var signature in subkey.GetSignaturesOfType(PgpSignature.SubkeyBinding))
        {
            if (signature.KeyId == primary.KeyId && VerifiesBinding(signature, primary, subkey)
                && (newest is null || signature.CreationTime > newest.CreationTime))
            {
                newest = signature;
            }
        }

        return newest;
    }

    public static bool VerifiesBinding(PgpSignature signature, PgpPublicKey primary, PgpPublicKey subkey)
    {
        try
        {
            signature.InitVerify(primary);
            return signature.VerifyCertification(primary, subkey);
        }
        catch (PgpException)
        {
            return false;
        }
    }

    public static bool VerifiesDirect(PgpSignature signature, PgpPublicKey primary)
    {
        try
        {
            signature.InitVerify(primary);
            return signature.VerifyCertification(primary);
        }
        catch (PgpException)
        {
            return false;
        }
    }

    private static bool FlagsAllowEncryption(PgpSignature signature)
    {
        var packets = signature.GetHashedSubPackets();

        // Keys made before key flags existed carry none; the algorithm alone then decides.
        return packets is null || !packets.HasSubpacket(SignatureSubpacketTag.KeyFlags)
            || (packets.GetKeyFlags() & EncryptionFlags) != 0;
    }

    private static IEnumerable<PgpSignature> VerifiedPrimarySelfSignatures(PgpPublicKey primary)
    {
        foreach (var userId in primary.GetUserIds())
        {
            foreach (var signature in primary.GetSignaturesForId(userId))
            {
                if (signature.KeyId == primary.KeyId && IsCertification(signature.SignatureType) && VerifiesUserId(signature, userId, primary))
                {
                    yield return signature;
                }
            }
        }

        foreach (var signature in primary.GetSignaturesOfType(PgpSignature.DirectKey))
        {
            if (signature.KeyId == primary.KeyId && VerifiesDirect(signature, primary))
            {
                yield return signature;
            }
        }
    }

    private static bool IsCertification(int type) =>
        type is PgpSignature.DefaultCertification or PgpSignature.NoCertification or PgpSignature.CasualCertification or PgpSignature.PositiveCertification;

    private static bool VerifiesUserId(PgpSignature signature, string userId, PgpPublicKey primary)
    {
        try
        {
            signature.InitVerify(primary);
            return signature.VerifyCertification(userId, primary);
        }
        catch (PgpException)
        {
            return false;
        }
    }
}
