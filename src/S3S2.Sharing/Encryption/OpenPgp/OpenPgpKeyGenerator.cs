using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Bcpg.Sig;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Makes receiver keys that gpg and this library accept: an RSA primary key that certifies and signs, and an
/// RSA subkey that encrypts; preferences AES-256, SHA-512, zlib; when a passphrase is given, every secret key is
/// protected with AES-256 under an iterated and salted SHA-256 S2K at the format's maximum count (65,011,712 bytes
/// hashed, coded 0xFF), with a SHA-1 integrity hash of the secret material (S2K usage 254), as gpg writes them.
/// </summary>
public static class OpenPgpKeyGenerator
{
    /// <summary>The S2K count byte: 0xFF codes 65,011,712 bytes hashed, the most RFC 4880 can express.</summary>
    internal const int S2kCount = 0xFF;

    private const int S2kUsageSha1 = 254;
    private const int SecretKeyTag = 5;
    private const int SecretSubkeyTag = 7;

    /// <summary>Generates a key pair.</summary>
    /// <param name="userId">The user id, for example <c>AwesomeAI receiver &lt;data@awesome.example&gt;</c>.</param>
    /// <param name="passphrase">Protects the secret key; empty for none.</param>
    /// <param name="rsaBits">The RSA key size: 3072 (default) or 4096.</param>
    /// <returns>The armored public and secret keys and the fingerprint.</returns>
    public static OpenPgpGeneratedKey Generate(string userId, ReadOnlySpan<char> passphrase = default, int rsaBits = 3072)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        if (rsaBits is not (2048 or 3072 or 4096))
        {
            throw new ArgumentOutOfRangeException(nameof(rsaBits), rsaBits, "Use 3072 or 4096 (2048 only for tests).");
        }

        return Generate(userId, passphrase, rsaBits, DateTime.UtcNow, subkeyLifetime: null, encryptionSubkey: true);
    }

    /// <summary>
    /// Generates a partner's signing key for signed shares: an RSA-3072 primary key that certifies and signs (SHA-256
    /// signatures gpg verifies), no encryption subkey, protected like receiver keys when a passphrase is given.
    /// </summary>
    /// <param name="userId">The user id, for example <c>BigDataRider shares &lt;data@bigdatarider.example&gt;</c>.</param>
    /// <param name="passphrase">Protects the secret key; empty for none.</param>
    /// <returns>The armored public and secret keys and the fingerprint the receiver pins.</returns>
    public static OpenPgpGeneratedKey GenerateSigningKey(string userId, ReadOnlySpan<char> passphrase = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return Generate(userId, passphrase, 3072, DateTime.UtcNow, subkeyLifetime: null, encryptionSubkey: false);
    }

    /// <summary>The full form, for tests that need old, expiring or sign-only keys.</summary>
    internal static OpenPgpGeneratedKey Generate(string userId, ReadOnlySpan<char> passphrase, int rsaBits, DateTime created, TimeSpan? subkeyLifetime, bool encryptionSubkey)
    {
        var random = new SecureRandom();
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), random, rsaBits, 100));
        var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), created);

        var primaryPackets = new PgpSignatureSubpacketGenerator();
        primaryPackets.SetKeyFlags(false, PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign);
        primaryPackets.SetPreferredSymmetricAlgorithms(false, [(int)SymmetricKeyAlgorithmTag.Aes256, (int)SymmetricKeyAlgorithmTag.Aes192, (int)SymmetricKeyAlgorithmTag.Aes128]);
        primaryPackets.SetPreferredHashAlgorithms(false, [(int)HashAlgorithmTag.Sha512, (int)HashAlgorithmTag.Sha384, (int)HashAlgorithmTag.Sha256]);
        primaryPackets.SetPreferredCompressionAlgorithms(false, [(int)CompressionAlgorithmTag.ZLib, (int)CompressionAlgorithmTag.Zip, (int)CompressionAlgorithmTag.Uncompressed]);
        primaryPackets.SetFeature(false, Features.FEATURE_MODIFICATION_DETECTION);

        // BouncyCastle protects secret keys only with SHA-1 S2K at 65,536 bytes: the rings are made unprotected here and
        // each secret key packet is protected afterwards (Protect) with the S2K settings this class promises.
        var rings = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification,
            primary,
            userId,
            SymmetricKeyAlgorithmTag.Null,
            HashAlgorithmTag.Sha256,
            Array.Empty<char>(),
            false,
            primaryPackets.Generate(),
            null,
            random);

        if (encryptionSubkey)
        {
            var subkeyPackets = new PgpSignatureSubpacketGenerator();
            subkeyPackets.SetKeyFlags(false, PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage);
            if (subkeyLifetime is { } lifetime)
            {
                subkeyPackets.SetKeyExpirationTime(false, (long)lifetime.TotalSeconds);
            }

            rings.AddSubKey(new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), created), subkeyPackets.Generate(), null, HashAlgorithmTag.Sha256);
        }

        var publicRing = rings.GeneratePublicKeyRing();
        var secretRing = rings.GenerateSecretKeyRing().GetEncoded();
        if (!passphrase.IsEmpty)
        {
            secretRing = Protect(secretRing, passphrase, random);
        }

        return new OpenPgpGeneratedKey(
            Convert.ToHexString(publicRing.GetPublicKey().GetFingerprint()),
            Armor(publicRing.Encode),
            Armor(output => output.Write(secretRing)));
    }

    /// <summary>
    /// Rewrites every unprotected secret key packet (tags 5 and 7) of an encoded ring as protected (RFC 4880 section
    /// 5.5.3): S2K usage 254, AES-256, iterated and salted SHA-256 S2K (its own salt per key) at <see cref="S2kCount"/>,
    /// the secret MPIs followed by their SHA-1 encrypted in CFB mode under a random IV. Other packets are copied as they are.
    /// </summary>
    private static byte[] Protect(byte[] ring, ReadOnlySpan<char> passphrase, SecureRandom random)
    {
        var passphraseChars = passphrase.ToArray();
        try
        {
            using var output = new MemoryStream();
            var position = 0;
            while (position < ring.Length)
            {
                var (tag, headerLength, bodyLength) = ReadPacketHeader(ring.AsSpan(position));
                var body = ring.AsSpan(position + headerLength, bodyLength);
                if (tag is SecretKeyTag or SecretSubkeyTag)
                {
                    var protectedBody = ProtectedBody(body, passphraseChars, random);
                    var header = new byte[6];
                    header[0] = (byte)(0xC0 | tag);
                    header[1] = 0xFF;
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(2), protectedBody.Length);
                    output.Write(header);
                    output.Write(protectedBody);
                }
                else
                {
                    output.Write(ring.AsSpan(position, headerLength + bodyLength));
                }

                position += headerLength + bodyLength;
            }

            return output.ToArray();
        }
        finally
        {
            Array.Clear(passphraseChars);
        }
    }

    /// <summary>Reads a packet header as BouncyCastle writes rings: old format with 1, 2 or 4 length bytes, or new format.</summary>
    private static (int Tag, int HeaderLength, int BodyLength) ReadPacketHeader(ReadOnlySpan<byte> data)
    {
        if ((data[0] & 0x40) == 0)
        {
            var lengthBytes = 1 << (data[0] & 0x03);
            var length = 0;
            for (var i = 1; i <= lengthBytes; i++)
            {
                length = (length << 8) | data[i];
            }

            return ((data[0] >> 2) & 0x0F, 1 + lengthBytes, length);
        }

        var first = data[1];
        return first switch
        {
            < 192 => (data[0] & 0x3F, 2, first),
            < 224 => (data[0] & 0x3F, 3, ((first - 192) << 8) + data[2] + 192),
            _ => (data[0] & 0x3F, 6, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data[2..])),
        };
    }

    /// <summary>An unprotected v4 RSA secret key body (public part, usage 0, secret MPIs, checksum) made protected.</summary>
    private static byte[] ProtectedBody(ReadOnlySpan<byte> body, char[] passphrase, SecureRandom random)
    {
        // Version 4, creation time, algorithm, then the public MPIs n and e.
        var publicLength = 6;
        for (var mpi = 0; mpi < 2; mpi++)
        {
            publicLength += 2 + ((((body[publicLength] << 8) | body[publicLength + 1]) + 7) / 8);
        }

        if (body[0] != 4 || body[5] != (byte)PublicKeyAlgorithmTag.RsaGeneral || body[publicLength] != 0)
        {
            throw new InvalidOperationException("Only unprotected version-4 RSA secret keys are protected here.");
        }

        var secretMpis = body[(publicLength + 1)..^2];
        var plain = new byte[secretMpis.Length + 20];
        secretMpis.CopyTo(plain);
#pragma warning disable CA5350 // RFC 4880 S2K usage 254 defines SHA-1 as the check of the decrypted secret MPIs.
        System.Security.Cryptography.SHA1.HashData(secretMpis, plain.AsSpan(secretMpis.Length));
#pragma warning restore CA5350

        var salt = SecureRandom.GetNextBytes(random, 8);
        var key = PgpUtilities.MakeKeyFromPassPhraseUtf8(SymmetricKeyAlgorithmTag.Aes256, new S2k(HashAlgorithmTag.Sha256, salt, S2kCount), passphrase);
        var iv = SecureRandom.GetNextBytes(random, 16);
        var cipher = CipherUtilities.GetCipher("AES/CFB/NoPadding");
        cipher.Init(true, new ParametersWithIV(key, iv));
        var encrypted = cipher.DoFinal(plain);
        Array.Clear(plain);

        using var protectedBody = new MemoryStream();
        protectedBody.Write(body[..publicLength]);
        protectedBody.Write([S2kUsageSha1, (byte)SymmetricKeyAlgorithmTag.Aes256, 3 /* iterated and salted */, (byte)HashAlgorithmTag.Sha256]);
        protectedBody.Write(salt);
        protectedBody.WriteByte(S2kCount);
        protectedBody.Write(iv);
        protectedBody.Write(encrypted);
        return protectedBody.ToArray();
    }

    private static string Armor(Action<Stream> encode)
    {
        using var buffer = new MemoryStream();
        using (var armored = new ArmoredOutputStream(buffer))
        {
            encode(armored);
        }

        return Encoding.ASCII.GetString(buffer.ToArray());
    }
}
