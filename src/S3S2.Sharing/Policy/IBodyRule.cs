namespace S3S2.Sharing.Policy;

/// <summary>Decides whether a body, head first and then to its last byte, is a message the configuration allows.</summary>
internal interface IBodyRule
{
    /// <summary>Gets the extension every object key of this format ends in (<c>.gpg</c>, <c>.encrypted</c>).</summary>
    string ObjectKeySuffix { get; }

    /// <summary>Returns <see langword="null"/> when the body is allowed, else why it is refused.</summary>
    /// <param name="head">The first bytes of the body (all of it when <paramref name="isWholeBody"/>).</param>
    /// <param name="isWholeBody">Whether <paramref name="head"/> is the entire body.</param>
    string? Check(ReadOnlySpan<byte> head, bool isWholeBody);

    /// <summary>Starts following one body's framing from its first byte to its last.</summary>
    IBodyValidator CreateValidator();
}
