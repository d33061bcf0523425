namespace S3S2.Sharing.Policy;

/// <summary>
/// Follows one body's framing byte by byte as it streams to the uploader, so a body whose head was allowed is still
/// refused if anything after the head breaks the format or does not look like ciphertext.
/// </summary>
internal interface IBodyValidator
{
    /// <summary>Takes the next bytes of the body (the head included); returns why the body is refused, or <see langword="null"/>.</summary>
    string? Append(ReadOnlySpan<byte> data);

    /// <summary>
    /// Gets how many of the body's first bytes have been judged: each encrypted payload byte among them lies in a
    /// 64 KiB window that passed (<see cref="CiphertextWindows"/>). <see cref="CheckedBodyStream"/> hands the uploader
    /// no byte beyond it until the body has ended and <see cref="Complete"/> has passed.
    /// </summary>
    long JudgedLength { get; }

    /// <summary>Called at the end of the body; returns why the body is refused (it ended early), or <see langword="null"/>.</summary>
    string? Complete();
}
