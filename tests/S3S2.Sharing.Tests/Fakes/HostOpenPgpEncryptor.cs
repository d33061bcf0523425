using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;
using S3S2.Sharing.Encryption;

namespace S3S2.Sharing.Tests;

/// <summary>
/// What a host writes when it brings its own OpenPGP implementation (an HSM's, say): only public API of this library
/// and of BouncyCastle, encrypting to the given public key's encryption subkey, AES-256 with MDC.
/// </summary>
internal sealed class HostOpenPgpEncryptor(string armoredPublicKey) : IEncryptor
{
    public int Calls { get; private set; }

    public EncryptionDescriptor Descriptor { get; } = new("openpgp", ".gpg", ["host"], "none");

    public async Task EncryptAsync(Stream plaintext, Stream ciphertext, EncryptionContext context, CancellationToken cancellationToken = default)
    {
        Calls++;
        using var keyStream = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armoredPublicKey)));
        var ring = new PgpPublicKeyRing(keyStream);
        var encryptionKey = ring.GetPublicKeys().Last(k => k.IsEncryptionKey);
        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: true, new SecureRandom());
        generator.AddMethod(encryptionKey);
        using var content = new MemoryStream();
        await plaintext.CopyToAsync(content, cancellationToken);
        using (var encrypted = generator.Open(ciphertext, new byte[1 << 16]))
        using (var literal = new PgpLiteralDataGenerator().Open(encrypted, PgpLiteralData.Binary, "data", content.Length, DateTime.UtcNow))
        {
            content.Position = 0;
            await content.CopyToAsync(literal, cancellationToken);
        }
    }
}
