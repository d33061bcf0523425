namespace S3S2.Sharing;

/// <summary>
/// The base of the exceptions the library raises for a condition a caller can handle: a share that failed
/// (<see cref="ShareFailedException"/>), a refusal by the share policy (<see cref="Policy.SharePolicyException"/>), an
/// unusable key (<see cref="Encryption.EncryptionKeyException"/>), a bad profile (<see cref="Profiles.ShareProfileException"/>),
/// an integrity failure (<see cref="Receiving.IntegrityException"/>), a receiver's limit exceeded
/// (<see cref="Receiving.ReceiveLimitException"/>), a share refused for its signer
/// (<see cref="Signing.SignerRefusedException"/>). Catch it to handle every one of them in one place;
/// catch the derived types to tell them apart. Errors of the AWS SDK, I/O and arguments keep their own .NET types.
/// </summary>
public abstract class S3S2Exception : Exception
{
    /// <summary>Initializes a new instance of the <see cref="S3S2Exception"/> class.</summary>
    protected S3S2Exception()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="S3S2Exception"/> class.</summary>
    /// <param name="message">What failed, the actual value and the fix.</param>
    protected S3S2Exception(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="S3S2Exception"/> class.</summary>
    /// <param name="message">What failed, the actual value and the fix.</param>
    /// <param name="innerException">The cause.</param>
    protected S3S2Exception(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
