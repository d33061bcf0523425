namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Reads a message's source and marks the errors the source itself raises (a reset connection, a failing disk), so
/// that they are reported as such and not mistaken for a corrupt message when BouncyCastle passes them on.
/// </summary>
internal sealed class SourceReadStream(Stream source) : IO.ReadOnlyStream
{
    /// <summary>The source's own error somewhere in <paramref name="error"/>'s chain, or <see langword="null"/>.</summary>
    public static Exception? FailureIn(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is SourceFailure failure)
            {
                return failure.InnerException;
            }
        }

        return null;
    }

    protected override int ReadCore(Span<byte> buffer)
    {
        try
        {
            return source.Read(buffer);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or Amazon.Runtime.AmazonServiceException or UnauthorizedAccessException)
        {
            throw new SourceFailure(ex);
        }
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or Amazon.Runtime.AmazonServiceException or UnauthorizedAccessException)
        {
            throw new SourceFailure(ex);
        }
    }

    /// <summary>Carries the source's error through BouncyCastle (an IOException, which it passes on).</summary>
    private sealed class SourceFailure(Exception inner) : IOException(inner.Message, inner);
}
