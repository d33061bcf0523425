namespace S3S2.Sharing.Policy;

/// <summary>The share policy refused an upload; nothing was sent.</summary>
public sealed class SharePolicyException : S3S2Exception
{
    /// <summary>Initializes a new instance of the <see cref="SharePolicyException"/> class.</summary>
    public SharePolicyException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SharePolicyException"/> class.</summary>
    /// <param name="message">The rule that refused, the actual value and the fix.</param>
    public SharePolicyException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SharePolicyException"/> class.</summary>
    /// <param name="message">The rule that refused, the actual value and the fix.</param>
    /// <param name="innerException">The cause.</param>
    public SharePolicyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
