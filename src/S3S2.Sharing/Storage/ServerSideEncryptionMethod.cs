namespace S3S2.Sharing.Storage;

/// <summary>The server-side encryption S3 is asked for (on top of the client-side encryption, which is always there).</summary>
public enum ServerSideEncryptionMethod
{
    /// <summary>None requested: the bucket's default encryption applies.</summary>
    None,

    /// <summary>SSE-S3: AES-256 with keys managed by S3.</summary>
    S3Managed,

    /// <summary>SSE-KMS: a KMS key encrypts the object's data key.</summary>
    Kms,
}
