using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Utilities;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Recovers the session key from a public-key encrypted session key packet (RFC 4880 section 5.1) with one of the
/// receiver's secret keys, converted once per client: RSA on .NET's <see cref="RSA"/> (BouncyCastle's RSA costs
/// milliseconds per file), ECDH (RFC 6637) on BouncyCastle's agreement, KDF and AES key unwrap. Only AES session
/// keys with a correct checksum are returned.
/// </summary>
internal sealed class OpenPgpSessionKeyDecryptor : IDisposable
{
    private readonly PgpPrivateKey? _key;
    private readonly RSA? _rsa;
    private readonly object _rsaLock = new();

    /// <summary>A decryptor for an ECDH key BouncyCastle unlocked; RSA keys are unlocked by <see cref="OpenPgpRsaSecretKey"/>.</summary>
    public OpenPgpSessionKeyDecryptor(PgpPrivateKey key)
    {
        if (key.Key is RsaKeyParameters)
        {
            throw new ArgumentException("RSA secret keys are unlocked into .NET's RSA (OpenPgpRsaSecretKey.Unlock), not through BouncyCastle.", nameof(key));
        }

        _key = key;
    }

    /// <summary>A decryptor for an RSA key already unlocked into .NET; it takes ownership of <paramref name="rsa"/>.</summary>
    public OpenPgpSessionKeyDecryptor(RSA rsa)
    {
        _rsa = rsa;
    }

    /// <summary>
    /// The session key in <paramref name="encrypted"/> (the packet's algorithm-specific fields), or <see langword="null"/>
    /// when this key cannot open it (another algorithm, a wrong key, a bad checksum).
    /// </summary>
    /// <param name="algorithm">The packet's public-key algorithm.</param>
    /// <param name="encrypted">The algorithm-specific fields.</param>
    /// <param name="symmetricAlgorithm">The session key's symmetric algorithm id.</param>
    public byte[]? TryDecrypt(PublicKeyAlgorithmTag algorithm, ReadOnlySpan<byte> encrypted, out int symmetricAlgorithm)
    {
        symmetricAlgorithm = 0;
        byte[]? sessionInfo;
        try
        {
            sessionInfo = algorithm switch
            {
                PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt when _rsa is not null => RsaDecrypt(encrypted),
                PublicKeyAlgorithmTag.ECDH when _key?.PublicKeyPacket.Algorithm == PublicKeyAlgorithmTag.ECDH => EcdhDecrypt(encrypted),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is CryptographicException or Org.BouncyCastle.Crypto.InvalidCipherTextException or PgpException or ArgumentException or MalformedMessageException or InvalidOperationException)
        {
            return null;
        }

        if (sessionInfo is null || sessionInfo.Length < 4)
        {
            return null;
        }

        var checksum = 0;
        foreach (var b in sessionInfo.AsSpan(1, sessionInfo.Length - 3))
        {
            checksum += b;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(sessionInfo.AsSpan(sessionInfo.Length - 2)) != (ushort)checksum)
        {
            CryptographicOperations.ZeroMemory(sessionInfo);
            return null;
        }

        symmetricAlgorithm = sessionInfo[0];
        var sessionKey = sessionInfo[1..^2];
        CryptographicOperations.ZeroMemory(sessionInfo);
        return sessionKey;
    }

    private byte[] RsaDecrypt(ReadOnlySpan<byte> encrypted)
    {
        var value = ReadMpi(ref encrypted);

        // PKCS#1 input is as long as the modulus; an MPI drops leading zeros.
        var size = _rsa!.KeySize / 8;
        if (value.Length > size)
        {
            throw new MalformedMessageException("has an RSA session key larger than the key");
        }

        var input = new byte[size];
        value.CopyTo(input.AsSpan(size - value.Length));
        lock (_rsaLock)
        {
            return _rsa.Decrypt(input, RSAEncryptionPadding.Pkcs1);
        }
    }

    private byte[] EcdhDecrypt(ReadOnlySpan<byte> encrypted)
    {
        var key = _key!;
        var point = ReadMpi(ref encrypted).ToArray();
        if (encrypted.IsEmpty || encrypted.Length < 1 + encrypted[0])
        {
            throw new MalformedMessageException("has a truncated ECDH session key");
        }

        var wrapped = encrypted.Slice(1, encrypted[0]).ToArray();
        byte[] secret;
        if (key.Key is X25519PrivateKeyParameters x25519)
        {
            if (point.Length != 1 + X25519PublicKeyParameters.KeySize || point[0] != 0x40)
            {
                throw new MalformedMessageException("has a malformed X25519 ephemeral key");
            }

            var agreement = new X25519Agreement();
            agreement.Init(x25519);
            secret = new byte[agreement.AgreementSize];
            agreement.CalculateAgreement(new X25519PublicKeyParameters(point, 1), secret, 0);
        }
        else if (key.Key is ECPrivateKeyParameters ec)
        {
            var agreement = new ECDHBasicAgreement();
            agreement.Init(ec);
            var ephemeral = new ECPublicKeyParameters(ec.Parameters.Curve.DecodePoint(point), ec.Parameters);
            secret = BigIntegers.AsUnsignedByteArray(agreement.GetFieldSize(), agreement.CalculateAgreement(ephemeral));
        }
        else
        {
            return [];
        }

        var unwrap = new Rfc3394WrapEngine(AesUtilities.CreateEngine());
        unwrap.Init(false, new KeyParameter(Rfc6637Utilities.CreateKey(key.PublicKeyPacket, secret)));
        CryptographicOperations.ZeroMemory(secret);
        return PgpPad.UnpadSessionData(unwrap.Unwrap(wrapped, 0, wrapped.Length));
    }

    /// <summary>
    /// Reads an RFC 4880 section 3.2 multiprecision integer. Its bit count must be exact (no leading zero bits): the
    /// field is not covered by any check, so a loose reading would let a changed header pass as the original.
    /// </summary>
    private static ReadOnlySpan<byte> ReadMpi(ref ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            throw new MalformedMessageException("has a truncated session key");
        }

        var bits = BinaryPrimitives.ReadUInt16BigEndian(data);
        var length = (bits + 7) / 8;
        if (length == 0 || data.Length < 2 + length)
        {
            throw new MalformedMessageException("has a truncated session key");
        }

        var value = data.Slice(2, length);
        if (32 - System.Numerics.BitOperations.LeadingZeroCount(value[0]) != bits - ((length - 1) * 8))
        {
            throw new MalformedMessageException("has a session key whose bit count does not match its value");
        }

        data = data[(2 + length)..];
        return value;
    }

    public void Dispose() => _rsa?.Dispose();
}
