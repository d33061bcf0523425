namespace S3S2.Sharing.Encryption.Kms;

/// <summary>One encrypted data key of a message header.</summary>
/// <param name="ProviderId">The key provider (<c>aws-kms</c> for KMS).</param>
/// <param name="ProviderInfo">For KMS, the key ARN.</param>
/// <param name="Ciphertext">The encrypted data key (a KMS ciphertext blob).</param>
internal sealed record EsdkEncryptedDataKey(string ProviderId, string ProviderInfo, byte[] Ciphertext);
