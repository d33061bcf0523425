using System.Security.Cryptography;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>
/// What KMS gave for one encryption context: the plaintext data key, its encrypted copies, the full context (with the
/// signing public key for signed suites) and the signing private key. Shared by the messages one data key protects.
/// </summary>
internal sealed class KmsEncryptionMaterials(byte[] dataKey, IReadOnlyList<EsdkEncryptedDataKey> encryptedDataKeys, IReadOnlyDictionary<string, string> context, ECParameters? signingKey)
{
    private readonly byte[] _dataKey = dataKey;
    private ECParameters? _signingKey = signingKey;

    public IReadOnlyList<EsdkEncryptedDataKey> EncryptedDataKeys { get; } = encryptedDataKeys;

    public IReadOnlyDictionary<string, string> Context { get; } = context;

    /// <summary>A copy of the data key for one message; the caller erases it.</summary>
    public byte[] CopyDataKey() => (byte[])_dataKey.Clone();

    /// <summary>A signer with the shared signing key, for one message (ECDsa instances are not shared across threads).</summary>
    public ECDsa? CreateSigner() => _signingKey is { } key ? ECDsa.Create(key) : null;

    /// <summary>Erases the data key and the signing private key.</summary>
    public void Erase()
    {
        CryptographicOperations.ZeroMemory(_dataKey);
        if (_signingKey is { D: { } d })
        {
            CryptographicOperations.ZeroMemory(d);
        }

        _signingKey = null;
    }
}
