using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Writes the public-key encrypted session key packet (RFC 4880 section 5.1, version 3) for one recipient's
/// encryption key. The key is converted once: BouncyCastle's <see cref="PgpPublicKey.GetKey"/> validates an RSA
/// modulus on every call (tens of milliseconds for 3072 bits), which its message generator pays per message. RSA
/// runs on .NET's <see cref="RSA"/> (EME-PKCS1-v1_5); ECDH (RFC 6637) on BouncyCastle's agreement, KDF and AES key wrap.
/// </summary>
internal sealed class OpenPgpSessionKeyEncryptor : IDisposable
{
    private readonly PgpPublicKey _key;
    private readonly RSA? _rsa;
    private readonly AsymmetricKeyParameter? _ecdhKey;
    private readonly object _rsaLock = new();

    public OpenPgpSessionKeyEncryptor(PgpPublicKey key)
    {
        _key = key;
        switch (key.Algorithm)
        {
            case PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt:
                var rsa = (RsaPublicBcpgKey)key.PublicKeyPacket.Key;
                _rsa = RSA.Create();
                _rsa.ImportParameters(new RSAParameters
                {
                    Modulus = rsa.Modulus.ToByteArrayUnsigned(),
                    Exponent = rsa.PublicExponent.ToByteArrayUnsigned(),
                });
                break;
            case PublicKeyAlgorithmTag.ECDH:
                _ecdhKey = key.GetKey();
                break;
            default:
                throw new EncryptionKeyException(
                    $"The encryption key {OpenPgpSecretKeys.FormatKeyId(key.KeyId)} uses {key.Algorithm}, which S3S2 does not encrypt to. Ask the receiver for an RSA or ECDH (Curve25519, NIST P-256/384/521) encryption key.");
        }
    }

    /// <summary>Writes the whole packet (header and body) carrying <paramref name="sessionInfo"/> to <paramref name="output"/>.</summary>
    /// <param name="sessionInfo">The symmetric algorithm id, the session key and its two-octet checksum.</param>
    /// <param name="output">The message being written.</param>
    public void WritePacket(byte[] sessionInfo, Stream output)
    {
        byte[] encrypted;
        if (_rsa is not null)
        {
            // One RSA object serves every file of a share; .NET does not promise it is safe for concurrent use.
            lock (_rsaLock)
            {
                encrypted = Mpi(_rsa.Encrypt(sessionInfo, RSAEncryptionPadding.Pkcs1));
            }
        }
        else
        {
            encrypted = EcdhEncrypt(sessionInfo);
        }

        var body = new byte[10 + encrypted.Length];
        body[0] = 3;
        BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(1), _key.KeyId);
        body[9] = (byte)_key.Algorithm;
        encrypted.CopyTo(body, 10);

        Span<byte> header = stackalloc byte[OpenPgpPackets.MaxHeaderLength];
        output.Write(header[..OpenPgpPackets.WriteHeader(header, OpenPgpPackets.TagPublicKeySessionKey, body.Length)]);
        output.Write(body);
    }

    /// <summary>RFC 6637 section 8: an ephemeral key agreed with the recipient's, the KDF over the recipient's parameters, AES key wrap.</summary>
    private byte[] EcdhEncrypt(byte[] sessionInfo)
    {
        var parameters = (ECDHPublicBcpgKey)_key.PublicKeyPacket.Key;
        var random = new SecureRandom();
        byte[] secret;
        byte[] ephemeral;
        if (_ecdhKey is X25519PublicKeyParameters)
        {
            var generator = new X25519KeyPairGenerator();
            generator.Init(new X25519KeyGenerationParameters(random));
            var pair = generator.GenerateKeyPair();
            var agreement = new X25519Agreement();
            agreement.Init(pair.Private);
            secret = new byte[agreement.AgreementSize];
            agreement.CalculateAgreement(_ecdhKey, secret, 0);
            ephemeral = new byte[1 + X25519PublicKeyParameters.KeySize];
            ephemeral[0] = 0x40;
            ((X25519PublicKeyParameters)pair.Public).Encode(ephemeral, 1);
        }
        else if (_ecdhKey is ECPublicKeyParameters ec)
        {
            var generator = new ECKeyPairGenerator();
            generator.Init(new ECKeyGenerationParameters(ec.Parameters, random));
            var pair = generator.GenerateKeyPair();
            var agreement = new ECDHBasicAgreement();
            agreement.Init(pair.Private);
            secret = BigIntegers.AsUnsignedByteArray(agreement.GetFieldSize(), agreement.CalculateAgreement(ec));
            ephemeral = ((ECPublicKeyParameters)pair.Public).Q.GetEncoded(false);
        }
        else
        {
            throw new EncryptionKeyException(
                $"The encryption key {OpenPgpSecretKeys.FormatKeyId(_key.KeyId)} uses the curve {parameters.CurveOid}, which S3S2 does not encrypt to. Ask the receiver for a Curve25519 or NIST P-256/384/521 key.");
        }

        var wrap = new Rfc3394WrapEngine(AesUtilities.CreateEngine());
        wrap.Init(true, new KeyParameter(Rfc6637Utilities.CreateKey(_key.PublicKeyPacket, secret)));
        var padded = PgpPad.PadSessionData(sessionInfo, obfuscate: true);
        var wrapped = wrap.Wrap(padded, 0, padded.Length);
        CryptographicOperations.ZeroMemory(secret);
        CryptographicOperations.ZeroMemory(padded);

        var point = Mpi(ephemeral);
        var result = new byte[point.Length + 1 + wrapped.Length];
        point.CopyTo(result, 0);
        result[point.Length] = (byte)wrapped.Length;
        wrapped.CopyTo(result, point.Length + 1);
        return result;
    }

    /// <summary>An RFC 4880 section 3.2 multiprecision integer: bit count, then the value without leading zeros.</summary>
    private static byte[] Mpi(ReadOnlySpan<byte> value)
    {
        var start = value.IndexOfAnyExcept((byte)0);
        value = start < 0 ? [] : value[start..];
        var bits = value.IsEmpty ? 0 : ((value.Length - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount(value[0]));
        var result = new byte[2 + value.Length];
        BinaryPrimitives.WriteUInt16BigEndian(result, (ushort)bits);
        value.CopyTo(result.AsSpan(2));
        return result;
    }

    public void Dispose() => _rsa?.Dispose();
}
