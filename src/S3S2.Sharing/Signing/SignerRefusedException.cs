namespace S3S2.Sharing.Signing;

/// <summary>A share refused for its signer (unsigned when required, an unpinned or misplaced signer, a signature that does not verify).</summary>
internal sealed class SignerRefusedException : Exception
{
    public SignerRefusedException()
    {
    }

    public SignerRefusedException(string message)
        : base(message)
    {
    }

    public SignerRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
