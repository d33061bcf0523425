namespace S3S2.Sharing.Signing;

/// <summary>
/// A share refused for its signer: unsigned when signatures are required, signed by a key not pinned for the share's
/// prefix, or carrying a signature that does not verify. The message names the fingerprint and the fix.
/// </summary>
public sealed class SignerRefusedException : S3S2Exception
{
    /// <summary>Initializes a new instance of the <see cref="SignerRefusedException"/> class.</summary>
    public SignerRefusedException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SignerRefusedException"/> class.</summary>
    /// <param name="message">Which share, which signer, which rule, and the fix.</param>
    public SignerRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SignerRefusedException"/> class.</summary>
    /// <param name="message">Which share, which signer, which rule, and the fix.</param>
    /// <param name="innerException">The parser's error.</param>
    public SignerRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
