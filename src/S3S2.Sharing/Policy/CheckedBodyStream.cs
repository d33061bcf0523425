using System.Runtime.ExceptionServices;
using S3S2.Sharing.IO;

namespace S3S2.Sharing.Policy;

/// <summary>
/// The body an uploader reads: every byte passes the policy's validator on its way, and a body that breaks the format
/// (or ends early) makes the read throw the policy's refusal. Uploaders read the body before they send it (a single
/// PUT is buffered whole, a multipart upload completes only after the last read), so a refusal here leaves nothing
/// visible. Read in segments (<see cref="ISegmentedReadStream"/>), each segment is checked in place before the
/// uploader gets it, so the checks cost no copy.
/// </summary>
internal sealed class CheckedBodyStream(Stream body, IBodyValidator validator, Func<string, Exception> refuse) : ReadOnlyStream, ISegmentedReadStream
{
    private ExceptionDispatchInfo? _refusal;
    private bool _completed;

    public bool CanReadSegments => body is ISegmentedReadStream { CanReadSegments: true };

    public async ValueTask<ReadOnlyMemory<byte>> ReadSegmentAsync(CancellationToken cancellationToken)
    {
        _refusal?.Throw();
        var segment = body is ISegmentedReadStream { CanReadSegments: true } segments
            ? await segments.ReadSegmentAsync(cancellationToken).ConfigureAwait(false)
            : throw new NotSupportedException("The body cannot be read in segments.");
        Check(segment.Span);
        return segment;
    }

    protected override int ReadCore(Span<byte> buffer)
    {
        _refusal?.Throw();
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var read = body.Read(buffer);
        Check(buffer[..read]);
        return read;
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        _refusal?.Throw();
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Check(buffer.Span[..read]);
        return read;
    }

    private void Check(ReadOnlySpan<byte> data)
    {
        string? problem;
        if (data.IsEmpty)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            problem = validator.Complete();
        }
        else
        {
            problem = validator.Append(data);
        }

        if (problem is not null)
        {
            _refusal = ExceptionDispatchInfo.Capture(refuse(problem));
            _refusal.Throw();
        }
    }
}
