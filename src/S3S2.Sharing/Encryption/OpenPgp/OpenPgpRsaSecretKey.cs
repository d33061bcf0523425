using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Utilities;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Unlocks an RSA secret key straight into .NET's <see cref="RSA"/>. BouncyCastle's
/// <see cref="PgpSecretKey.ExtractPrivateKey(char[])"/> builds key parameters whose constructor tests the modulus for
/// compositeness (a 3072-bit modular exponentiation in managed code, tens of milliseconds per process); here the secret
/// primes prove that outright, since the modulus must equal their product.
/// </summary>
internal static class OpenPgpRsaSecretKey
{
    public static bool IsRsa(PgpPublicKey key) =>
        key.Algorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt or PublicKeyAlgorithmTag.RsaSign;

    /// <summary>
    /// The private key of <paramref name="key"/>, an RSA key holding its secret material.
    /// </summary>
    /// <exception cref="PgpException">The passphrase is wrong or the key is damaged.</exception>
    public static RSA Unlock(PgpSecretKey key, char[] passphrase)
    {
        // BouncyCastle decrypts the secret part (S2K, CFB or AEAD, and its checksum) without converting the key.
        var plain = key.KeyEncryptionAlgorithm == SymmetricKeyAlgorithmTag.Null
            ? key
            : PgpSecretKey.CopyWithNewPassword(key, passphrase, [], SymmetricKeyAlgorithmTag.Null, null);
        var data = SecretKeyData(plain);
        try
        {
            var (secret, publicKey) = ReadSecret(key, data);
            var modulus = publicKey.Modulus.ToByteArrayUnsigned();
            var half = (modulus.Length + 1) / 2;
            var parameters = new RSAParameters
            {
                Modulus = modulus,
                Exponent = publicKey.PublicExponent.ToByteArrayUnsigned(),
                D = BigIntegers.AsUnsignedByteArray(modulus.Length, secret.PrivateExponent),
                P = BigIntegers.AsUnsignedByteArray(half, secret.PrimeP),
                Q = BigIntegers.AsUnsignedByteArray(half, secret.PrimeQ),
                DP = BigIntegers.AsUnsignedByteArray(half, secret.PrimeExponentP),
                DQ = BigIntegers.AsUnsignedByteArray(half, secret.PrimeExponentQ),
                InverseQ = BigIntegers.AsUnsignedByteArray(half, secret.CrtCoefficient),
            };
            var rsa = RSA.Create();
            try
            {
                rsa.ImportParameters(parameters);
                return rsa;
            }
            catch (CryptographicException ex)
            {
                rsa.Dispose();
                throw new PgpException("the secret key is not a valid RSA key", ex);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(parameters.D);
                CryptographicOperations.ZeroMemory(parameters.P);
                CryptographicOperations.ZeroMemory(parameters.Q);
                CryptographicOperations.ZeroMemory(parameters.DP);
                CryptographicOperations.ZeroMemory(parameters.DQ);
                CryptographicOperations.ZeroMemory(parameters.InverseQ);
            }
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or ArithmeticException)
        {
            throw new PgpException("the secret key material is malformed", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>
    /// Whether the secret primes of <paramref name="key"/>, an unprotected RSA key, prove its public modulus composite:
    /// the octet checksum matches, 1 &lt; p, q &lt; n and p·q = n, so the modulus is composite by construction; and it
    /// passes BouncyCastle's other checks of a public RSA key (odd, no
    /// prime factor up to 743, at most its size limit, an odd exponent above 1). Such a modulus needs no Miller-Rabin
    /// test. <see langword="false"/> for anything else (a protected key, a stub, another algorithm, damaged material):
    /// the caller then keeps the full check, and an unlock reports the damage as before.
    /// </summary>
    public static bool ProvesModulus(PgpSecretKey key)
    {
        if (!IsRsa(key.PublicKey) || key.IsPrivateKeyEmpty || key.KeyEncryptionAlgorithm != SymmetricKeyAlgorithmTag.Null
            || key.PublicKey.PublicKeyPacket.Key is not RsaPublicBcpgKey publicKey)
        {
            return false;
        }

        byte[] data;
        try
        {
            data = SecretKeyData(key);
        }
        catch (Exception ex) when (ex is PgpException or IOException)
        {
            return false;
        }

        try
        {
            var (secret, _) = ReadSecret(key, data);
            var modulus = publicKey.Modulus;
            var exponent = publicKey.PublicExponent;
            return secret.PrimeP.CompareTo(modulus) < 0 && secret.PrimeQ.CompareTo(modulus) < 0
                && exponent.TestBit(0) && exponent.CompareTo(BigInteger.One) > 0
                && modulus.BitLength <= Properties.GetInt32(Properties.RsaMaxSize, 16384)
                && !BigIntegers.HasAnySmallFactors(modulus);
        }
        catch (Exception ex) when (ex is PgpException or IOException or ArgumentException or ArithmeticException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>The secret part of <paramref name="plain"/>, an unprotected key: d, p, q, u and their checksum (RFC 4880 section 5.5.3).</summary>
    private static byte[] SecretKeyData(PgpSecretKey plain)
    {
        using var encoded = new MemoryStream(plain.GetEncoded(), writable: false);
        var packet = new BcpgInputStream(encoded).ReadPacket() as SecretKeyPacket
            ?? throw new PgpException("the secret key does not encode as a secret key packet");
        return packet.GetSecretKeyData();
    }

    /// <summary>The secret MPIs of <paramref name="data"/>, refused unless the checksum matches and the primes (both above 1) multiply to the public modulus.</summary>
    private static (RsaSecretBcpgKey Secret, RsaPublicBcpgKey PublicKey) ReadSecret(PgpSecretKey key, byte[] data)
    {
        // RFC 4880 section 5.5.3: d, p, q, u, then a two-octet sum of those octets.
        if (data.Length < 2 || Checksum(data.AsSpan(0, data.Length - 2)) != ((data[^2] << 8) | data[^1]))
        {
            throw new PgpException("the secret key's checksum does not match");
        }

        using var input = new MemoryStream(data, 0, data.Length - 2, writable: false);
        var secret = new RsaSecretBcpgKey(new BcpgInputStream(input));
        var publicKey = (RsaPublicBcpgKey)key.PublicKey.PublicKeyPacket.Key;
        if (secret.PrimeP.BitLength < 2 || secret.PrimeQ.BitLength < 2 || !secret.Modulus.Equals(publicKey.Modulus))
        {
            throw new PgpException("the secret primes do not match the public modulus");
        }

        return (secret, publicKey);
    }

    private static int Checksum(ReadOnlySpan<byte> data)
    {
        var sum = 0;
        foreach (var b in data)
        {
            sum += b;
        }

        return sum & 0xFFFF;
    }
}
