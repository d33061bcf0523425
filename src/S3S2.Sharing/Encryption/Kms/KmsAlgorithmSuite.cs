namespace S3S2.Sharing.Encryption.Kms;

/// <summary>The AWS Encryption SDK algorithm suites the KMS envelope encryptor writes (message format version 2, key commitment).</summary>
public enum KmsAlgorithmSuite
{
    /// <summary>0x0478: AES-256-GCM, HKDF-SHA512 key derivation, key commitment. The AWS Encryption SDK's unsigned committing suite.</summary>
    AesGcm256HkdfSha512Commit = 0x0478,

    /// <summary>0x0578: as 0x0478, plus an ECDSA P-384 (SHA-384) signature over the whole message. The AWS Encryption SDK's default suite.</summary>
    AesGcm256HkdfSha512CommitEcdsaP384 = 0x0578,
}
