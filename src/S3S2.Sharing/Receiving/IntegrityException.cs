namespace S3S2.Sharing.Receiving;

/// <summary>
/// A message or received file failed an integrity check: corrupt, truncated, modified, without integrity
/// protection (MDC, authentication tag, key commitment, signature), with a mismatching encryption context, or not
/// matching the size and SHA-256 its manifest lists. No plaintext of the failing part was released or kept.
/// </summary>
public sealed class IntegrityException : S3S2Exception
{
    /// <summary>Initializes a new instance of the <see cref="IntegrityException"/> class.</summary>
    public IntegrityException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IntegrityException"/> class.</summary>
    /// <param name="message">Which message or file failed which check, and the fix.</param>
    public IntegrityException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IntegrityException"/> class.</summary>
    /// <param name="message">Which message or file failed which check, and the fix.</param>
    /// <param name="innerException">The decoder's error.</param>
    public IntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
