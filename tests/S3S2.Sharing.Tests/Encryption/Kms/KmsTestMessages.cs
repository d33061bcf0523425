using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.Kms;

/// <summary>Encrypts and decrypts through the real KMS client against the local KMS endpoint.</summary>
internal static class KmsTestMessages
{
    public static async Task<byte[]> EncryptAsync(byte[] plaintext, KmsAlgorithmSuite suite, int frameLength, IReadOnlyList<string>? keys = null)
    {
        using var kms = LocalKmsServer.Instance.CreateClient();
        keys ??= [LocalKmsServer.Instance.CreateKey()];
        using var encryptor = new KmsEnvelopeEncryptor(kms, ownsClient: false, keys, suite, frameLength, new Dictionary<string, string>());
        using var ciphertext = new MemoryStream();
        await encryptor.EncryptAsync(new MemoryStream(plaintext), ciphertext, new EncryptionContext("share-1", "data/file.csv"));
        return ciphertext.ToArray();
    }

    public static async Task<byte[]> DecryptAsync(byte[] message, IEnumerable<string>? allowedKeys = null)
    {
        using var kms = LocalKmsServer.Instance.CreateClient();
        using var output = new MemoryStream();
        await KmsEnvelopeDecryption.DecryptAsync(new MemoryStream(message), output, kms, allowedKeys ?? KeysNamedBy(message));
        return output.ToArray();
    }

    /// <summary>The key ARNs a message names (the receiver allowing exactly its sender's keys); a placeholder when its header does not parse.</summary>
    public static IReadOnlyList<string> KeysNamedBy(byte[] message) =>
        EsdkHeader.TryParse(message, out _) is { } header
            ? header.EncryptedDataKeys.Select(k => k.ProviderInfo).ToList()
            : [LocalKmsServer.UnknownKeyArn()];
}
