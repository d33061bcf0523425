namespace S3S2.Sharing.Encryption;

/// <summary>A key given to the library cannot be used: unreadable, of the wrong kind, expired, revoked or unable to encrypt.</summary>
public sealed class EncryptionKeyException : S3S2Exception
{
    /// <summary>Initializes a new instance of the <see cref="EncryptionKeyException"/> class.</summary>
    public EncryptionKeyException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EncryptionKeyException"/> class.</summary>
    /// <param name="message">What is wrong with which key, and the fix.</param>
    public EncryptionKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EncryptionKeyException"/> class.</summary>
    /// <param name="message">What is wrong with which key, and the fix.</param>
    /// <param name="innerException">The parser's error.</param>
    public EncryptionKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Gets a value indicating whether the same call may succeed later unchanged: KMS could not be reached over the
    /// network, or throttled the call. Every other refusal needs a change of key, permission, credentials or
    /// configuration. (The CLI exits 1 for the first kind, 2 for the second.)
    /// </summary>
    public bool IsTransient { get; init; }
}
