namespace S3S2.Sharing.Receiving;

/// <summary>
/// A message failed an integrity check (authentication tag, key commitment, signature, truncation or a
/// mismatching encryption context): it was altered, cut short or is not what it claims to be. No plaintext
/// of the failing part was released.
/// </summary>
public sealed class IntegrityException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="IntegrityException"/> class.</summary>
    public IntegrityException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IntegrityException"/> class.</summary>
    /// <param name="message">Which check failed, where, and what to do.</param>
    public IntegrityException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IntegrityException"/> class.</summary>
    /// <param name="message">Which check failed, where, and what to do.</param>
    /// <param name="innerException">The cryptographic error.</param>
    public IntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
