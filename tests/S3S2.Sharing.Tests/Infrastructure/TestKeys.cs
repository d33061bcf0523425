using Org.BouncyCastle.Bcpg.OpenPgp;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>Keys made once per test run with the library's own generator (RSA-2048 for speed).</summary>
internal static class TestKeys
{
    private static readonly Lazy<OpenPgpGeneratedKey> LazyReceiver = new(() => Make("Receiver <receiver@s3s2.test>"));
    private static readonly Lazy<OpenPgpGeneratedKey> LazySecondReceiver = new(() => Make("Second receiver <second@s3s2.test>"));
    private static readonly Lazy<OpenPgpGeneratedKey> LazyAttacker = new(() => Make("Attacker <attacker@s3s2.test>"));

    private static readonly Lazy<OpenPgpGeneratedKey> LazyPartnerSigner = new(() => MakeSigning("Acme shares <shares@acme.test>"));
    private static readonly Lazy<OpenPgpGeneratedKey> LazyOtherPartnerSigner = new(() => MakeSigning("Globex shares <shares@globex.test>"));

    public static OpenPgpGeneratedKey Receiver => LazyReceiver.Value;

    /// <summary>A partner's signing key (sign-only RSA primary key, as s3s2 keygen --signing makes, but 2048 bits for speed).</summary>
    public static OpenPgpGeneratedKey PartnerSigner => LazyPartnerSigner.Value;

    /// <summary>Another partner's signing key.</summary>
    public static OpenPgpGeneratedKey OtherPartnerSigner => LazyOtherPartnerSigner.Value;

    public static OpenPgpGeneratedKey SecondReceiver => LazySecondReceiver.Value;

    public static OpenPgpGeneratedKey Attacker => LazyAttacker.Value;

    public static OpenPgpGeneratedKey Make(string userId) =>
        OpenPgpKeyGenerator.Generate(userId, default, 2048, DateTime.UtcNow.AddMinutes(-1), subkeyLifetime: null, encryptionSubkey: true);

    public static OpenPgpGeneratedKey MakeSigning(string userId) =>
        OpenPgpKeyGenerator.Generate(userId, default, 2048, DateTime.UtcNow.AddMinutes(-1), subkeyLifetime: null, encryptionSubkey: false);

    public static IReadOnlyList<OpenPgpRecipient> Recipients(params OpenPgpGeneratedKey[] keys) =>
        OpenPgpRecipientKeys.Load(keys.Select(k => OpenPgpKeySource.FromArmoredString(k.PublicKeyArmored)), DateTime.UtcNow);

    /// <summary>Decrypts a message with BouncyCastle; returns the plaintext and what the message declared.</summary>
    public static (byte[] Plaintext, Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag Algorithm, bool IntegrityProtected) Decrypt(byte[] message, OpenPgpGeneratedKey key)
    {
        using var keyStream = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(key.SecretKeyArmored)));
        var secretKeys = new PgpSecretKeyRingBundle(keyStream);
        var factory = new PgpObjectFactory(new MemoryStream(message));
        var list = (PgpEncryptedDataList)factory.NextPgpObject();
        foreach (var item in list.GetEncryptedDataObjects().Cast<PgpPublicKeyEncryptedData>())
        {
            var secret = secretKeys.GetSecretKey(item.KeyId);
            if (secret is null)
            {
                continue;
            }

            var privateKey = secret.ExtractPrivateKey([]);
            var algorithm = item.GetSymmetricAlgorithm(privateKey);
            using var clear = item.GetDataStream(privateKey);
            var inner = new PgpObjectFactory(clear).NextPgpObject();
            if (inner is PgpCompressedData compressed)
            {
                inner = new PgpObjectFactory(compressed.GetDataStream()).NextPgpObject();
            }

            using var output = new MemoryStream();
            ((PgpLiteralData)inner).GetDataStream().CopyTo(output);
            var verified = item.IsIntegrityProtected() && item.Verify();
            return (output.ToArray(), algorithm, verified);
        }

        throw new InvalidOperationException("The message is not encrypted to the given key.");
    }
}
