namespace S3S2.Sharing.Profiles;

/// <summary>A profile cannot be used: unreadable, of an unknown version, expired, or with invalid fields (all listed).</summary>
public sealed class ShareProfileException : S3S2Exception
{
    /// <summary>Initializes a new instance of the <see cref="ShareProfileException"/> class.</summary>
    public ShareProfileException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ShareProfileException"/> class.</summary>
    /// <param name="message">Every problem found, with its fix.</param>
    public ShareProfileException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ShareProfileException"/> class.</summary>
    /// <param name="message">Every problem found, with its fix.</param>
    /// <param name="innerException">The cause.</param>
    public ShareProfileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
