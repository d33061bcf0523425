using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
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
        using var encoded = new MemoryStream(plain.GetEncoded(), writable: false);
        var packet = new BcpgInputStream(encoded).ReadPacket() as SecretKeyPacket
            ?? throw new PgpException("the secret key does not encode as a secret key packet");
        var data = packet.GetSecretKeyData();
        try
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
