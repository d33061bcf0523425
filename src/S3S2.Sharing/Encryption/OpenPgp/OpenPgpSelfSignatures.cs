using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Parameters;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// What a key's owner said about it, taken only from self-signatures that verify: anyone can append an unsigned or
/// forged signature packet to a public key, so an unverified one must never decide whether a key may encrypt.
/// </summary>
/// <remarks>
/// Version 4 signatures by an RSA key with SHA-1 or SHA-2 are verified on .NET's <see cref="RSA"/> over the RFC 4880
/// section 5.2.4 hash: BouncyCastle's <see cref="PgpSignature.InitVerify"/> converts the key again for every signature,
/// and that conversion checks the modulus (small factors, a Miller-Rabin round: tens of milliseconds at 3072 bits),
/// which a key load paid once per signature, in every process. The same check still runs, once per distinct key per process,
/// except for a modulus whose own unprotected secret key proved it composite (<see cref="RecordModulusProvenBySecret"/>). Every other
/// signature (other algorithms, versions or hashes) is verified by BouncyCastle as before.
/// </remarks>
internal static class OpenPgpSelfSignatures
{
    private const int EncryptionFlags = PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage;

    /// <summary>Each RSA signer's key, converted and checked once; <see langword="null"/> when its modulus was refused.</summary>
    private static readonly ConditionalWeakTable<PgpPublicKey, RSA?> RsaSigners = [];

    /// <summary>
    /// BouncyCastle's verdict on each RSA public key (modulus and exponent, hex) checked so far: the same key file is
    /// read more than once per process (a preload, the options validator that pins it, the client), each read a new
    /// object. Lazy, so a load that asks while another thread is checking the same key waits for that check.
    /// </summary>
    private static readonly ConcurrentDictionary<string, Lazy<bool>> CheckedRsaKeys = new(StringComparer.Ordinal);

    /// <summary>The verdict recorded for a modulus that its own secret primes proved composite (see <see cref="RecordModulusProvenBySecret"/>).</summary>
    private static readonly Lazy<bool> ProvenBySecretPrimes = new(() => true);

    /// <summary>Who judged an RSA modulus in this process: nobody yet, BouncyCastle's test, or the key's own secret primes.</summary>
    internal enum ModulusCheck
    {
        /// <summary>Not checked yet in this process.</summary>
        None,

        /// <summary>BouncyCastle's check ran (or is running); its verdict decides.</summary>
        BouncyCastle,

        /// <summary>The key's unprotected secret primes multiply to it (<see cref="OpenPgpRsaSecretKey.ProvesModulus"/>).</summary>
        SecretPrimes,
    }

    /// <summary>
    /// Records the RSA modulus of <paramref name="key"/> as checked when the key's own secret primes prove it
    /// composite (<see cref="OpenPgpRsaSecretKey.ProvesModulus"/>: an unprotected RSA key whose checksum matches and
    /// whose primes multiply to the modulus), so that verifying its self-signatures skips BouncyCastle's Miller-Rabin
    /// test (60-75 ms of CPU at 3072 bits) that could only agree. The receiver's key load calls it before any
    /// self-signature is verified. Any other key (a protected one, a partner's public key, one whose proof fails)
    /// keeps BouncyCastle's full check; a damaged secret key is still refused when it is unlocked.
    /// </summary>
    /// <returns>Whether the primes proved the modulus (a verdict already recorded for it is kept).</returns>
    public static bool RecordModulusProvenBySecret(PgpSecretKey key)
    {
        if (!OpenPgpRsaSecretKey.ProvesModulus(key))
        {
            return false;
        }

        CheckedRsaKeys.TryAdd(Name((RsaPublicBcpgKey)key.PublicKey.PublicKeyPacket.Key), ProvenBySecretPrimes);
        return true;
    }

    /// <summary>Who has judged the RSA modulus of <paramref name="key"/> in this process.</summary>
    internal static ModulusCheck ModulusCheckOf(PgpPublicKey key) =>
        key.PublicKeyPacket.Key is not RsaPublicBcpgKey rsa || !CheckedRsaKeys.TryGetValue(Name(rsa), out var check) ? ModulusCheck.None
        : ReferenceEquals(check, ProvenBySecretPrimes) ? ModulusCheck.SecretPrimes
        : ModulusCheck.BouncyCastle;

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
        if (VerifiesWithRsa(signature, primary, subkey, null) is { } verified)
        {
            return verified;
        }

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
        if (VerifiesWithRsa(signature, primary, null, null) is { } verified)
        {
            return verified;
        }

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
        if (VerifiesWithRsa(signature, primary, null, userId) is { } verified)
        {
            return verified;
        }

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

    /// <summary>
    /// Verifies a version 4 signature by the RSA key <paramref name="signer"/> over the signer's key, then
    /// <paramref name="subkey"/> or <paramref name="userId"/> when given, then the signature's hashed trailer (RFC 4880
    /// section 5.2.4). <see langword="null"/> when the signature is not one this path takes: BouncyCastle then decides.
    /// </summary>
    private static bool? VerifiesWithRsa(PgpSignature signature, PgpPublicKey signer, PgpPublicKey? subkey, string? userId)
    {
        if (signature.Version != 4 || signer.Version != 4 || subkey is { Version: not 4 }
            || signature.KeyAlgorithm is not (PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign)
            || signer.PublicKeyPacket.Key is not RsaPublicBcpgKey
            || HashName(signature.HashAlgorithm) is not { } hashName)
        {
            return null;
        }

        if (RsaSigners.GetValue(signer, ConvertRsaSigner) is not { } rsa)
        {
            return false;
        }

        using var hash = IncrementalHash.CreateHash(hashName);
        AppendKey(hash, signer);
        if (subkey is not null)
        {
            AppendKey(hash, subkey);
        }

        if (userId is not null)
        {
            // As BouncyCastle hashes it: the user id as UTF-8 after 0xB4 and a four-octet length.
            var id = Encoding.UTF8.GetBytes(userId);
            Span<byte> header = stackalloc byte[5];
            header[0] = 0xB4;
            BinaryPrimitives.WriteInt32BigEndian(header[1..], id.Length);
            hash.AppendData(header);
            hash.AppendData(id);
        }

        hash.AppendData(signature.GetSignatureTrailer());
        Span<byte> digest = stackalloc byte[64];
        var digestLength = hash.GetHashAndReset(digest);

        // The signature is an MPI (leading zero octets dropped); PKCS#1 wants it as long as the modulus.
        var value = signature.GetSignature();
        var size = (rsa.KeySize + 7) / 8;
        if (value.Length > size)
        {
            return false;
        }

        var padded = new byte[size];
        value.CopyTo(padded, size - value.Length);
        try
        {
            return rsa.VerifyHash(digest[..digestLength], padded, hashName, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static HashAlgorithmName? HashName(HashAlgorithmTag tag) => tag switch
    {
        HashAlgorithmTag.Sha1 => HashAlgorithmName.SHA1,
        HashAlgorithmTag.Sha256 => HashAlgorithmName.SHA256,
        HashAlgorithmTag.Sha384 => HashAlgorithmName.SHA384,
        HashAlgorithmTag.Sha512 => HashAlgorithmName.SHA512,
        _ => null,
    };

    /// <summary>A version 4 key as signatures hash it: 0x99, a two-octet length and the public key packet's body.</summary>
    private static void AppendKey(IncrementalHash hash, PgpPublicKey key)
    {
        var body = key.PublicKeyPacket.GetEncodedContents();
        Span<byte> header = [0x99, (byte)(body.Length >> 8), (byte)body.Length];
        hash.AppendData(header);
        hash.AppendData(body);
    }

    private static RSA? ConvertRsaSigner(PgpPublicKey signer)
    {
        var key = (RsaPublicBcpgKey)signer.PublicKeyPacket.Key;
        var modulus = key.Modulus.ToByteArrayUnsigned();
        var exponent = key.PublicExponent.ToByteArrayUnsigned();
        var check = CheckedRsaKeys.GetOrAdd(
            Name(modulus, exponent),
            static (_, key) => new Lazy<bool>(() => PassesBouncyCastleCheck(key), LazyThreadSafetyMode.ExecutionAndPublication),
            key);
        if (!check.Value)
        {
            return null;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = exponent });
            return rsa;
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            return null;
        }
    }

    /// <summary>The key of <see cref="CheckedRsaKeys"/>: modulus and exponent in hex.</summary>
    private static string Name(RsaPublicBcpgKey key) => Name(key.Modulus.ToByteArrayUnsigned(), key.PublicExponent.ToByteArrayUnsigned());

    private static string Name(byte[] modulus, byte[] exponent) => Convert.ToHexString(modulus) + ":" + Convert.ToHexString(exponent);

    /// <summary>BouncyCastle's own check of the modulus and exponent, what <see cref="PgpSignature.InitVerify"/> ran per signature.</summary>
    private static bool PassesBouncyCastleCheck(RsaPublicBcpgKey key)
    {
        try
        {
            _ = new RsaKeyParameters(false, key.Modulus, key.PublicExponent);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
