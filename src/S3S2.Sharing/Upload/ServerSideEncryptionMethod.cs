namespace S3S2.Sharing.Upload;

/// <summary>The server-side encryption methods S3 offers.</summary>
public enum ServerSideEncryptionMethod
{
    /// <summary>SSE-S3: AES-256 with keys managed by S3.</summary>
    S3Managed,

    /// <summary>SSE-KMS: a KMS key encrypts the object's data key.</summary>
    Kms,
}
