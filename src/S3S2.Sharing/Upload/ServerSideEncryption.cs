namespace S3S2.Sharing.Upload;

/// <summary>Server-side encryption to ask S3 for, on top of the client-side encryption.</summary>
/// <param name="Method">The method.</param>
/// <param name="KmsKeyId">The KMS key id or ARN for <see cref="ServerSideEncryptionMethod.Kms"/>; otherwise <see langword="null"/>.</param>
public sealed record ServerSideEncryption(ServerSideEncryptionMethod Method, string? KmsKeyId)
{
    /// <summary>SSE-KMS with the given key.</summary>
    /// <param name="keyId">The KMS key id or ARN.</param>
    /// <returns>The setting.</returns>
    public static ServerSideEncryption Kms(string keyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        return new ServerSideEncryption(ServerSideEncryptionMethod.Kms, keyId);
    }

    /// <summary>Gets SSE-S3 (keys managed by S3).</summary>
    public static ServerSideEncryption S3Managed { get; } = new(ServerSideEncryptionMethod.S3Managed, null);
}
