using System.Buffers;
using System.Runtime.ExceptionServices;
using S3S2.Sharing.IO;

namespace S3S2.Sharing.Policy;

/// <summary>
/// The body an uploader reads: every byte passes the policy's validator, and the uploader gets a byte only once it has
/// been judged (<see cref="IBodyValidator.JudgedLength"/>: the 64 KiB window of encrypted payload that holds it passed
/// the ciphertext test), or once the whole body has ended and passed. So a body that turns into plaintext mid-stream
/// is refused before any of that plaintext reaches the uploader: not into a multipart part, not into the folder store's
/// temporary file, not to a custom uploader that streams. A body that breaks the format (or ends early) makes the read
/// throw the policy's refusal.
/// </summary>
/// <remarks>
/// The bytes read but not yet judged are held: the source's current segment while it is valid (until the source's
/// next read), and a pooled buffer of this stream's own for the part of it that must wait longer (less than a window of
/// payload plus the framing around it, bounded by the formats: at most about 2 MiB for 1-byte AWS Encryption SDK
/// frames, under 65 KiB for the library's own encryptors). Read in segments (<see cref="ISegmentedReadStream"/>), the
/// judged bytes of the source's segment go to the uploader in place, checked and uncopied; only the held tail of each
/// is copied. The held bytes may be plaintext of a faulty encryptor, so the buffers go back to the pool cleared.
/// </remarks>
internal sealed class CheckedBodyStream : SegmentReadStream
{
    /// <summary>What is read from a source that cannot hand out segments, at a time.</summary>
    private const int ReadLength = 256 * 1024;

    private readonly Stream _body;
    private readonly IBodyValidator _validator;
    private readonly Func<string, Exception> _refuse;

    // The body's bytes from _released on are read and checked but not yet handed out: first those in _held, then those
    // of _segment (the source's current segment, or the head) from _segmentPosition on.
    private byte[] _held = [];
    private int _heldStart;
    private int _heldEnd;
    private ReadOnlyMemory<byte> _segment;
    private int _segmentPosition;
    private byte[]? _readBuffer;
    private long _released;
    private bool _passed;
    private bool _refused;
    private bool _disposed;
    private ExceptionDispatchInfo? _refusal;

    /// <param name="head">The body's first bytes, already given to <paramref name="validator"/>.</param>
    /// <param name="body">The rest of the body.</param>
    /// <param name="validator">The body's validator, which has taken <paramref name="head"/>.</param>
    /// <param name="refuse">Makes the policy's refusal from a reason.</param>
    public CheckedBodyStream(ReadOnlyMemory<byte> head, Stream body, IBodyValidator validator, Func<string, Exception> refuse)
    {
        _body = body;
        _validator = validator;
        _refuse = refuse;
        _segment = head;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            ReturnBuffers();
        }

        base.Dispose(disposing);
    }

    /// <summary>Returns the next judged bytes (valid until the next call), empty at the end of an allowed body.</summary>
    protected override async ValueTask<ReadOnlyMemory<byte>> NextSegmentAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_refused)
            {
                // The refusal again; and if making it failed, still no byte more.
                _refusal?.Throw();
                throw new InvalidOperationException("The share policy refused this body; nothing more of it is handed out.");
            }

            // Once the whole body has passed, everything read is judged.
            var judged = _passed ? long.MaxValue : _validator.JudgedLength;
            if (_heldStart < _heldEnd)
            {
                var count = (int)Math.Min(_heldEnd - _heldStart, judged - _released);
                if (count > 0)
                {
                    var held = _held.AsMemory(_heldStart, count);
                    _heldStart += count;
                    _released += count;
                    return held;
                }
            }
            else if (_segmentPosition < _segment.Length)
            {
                var count = (int)Math.Min(_segment.Length - _segmentPosition, judged - _released);
                if (count > 0)
                {
                    var judgedPart = _segment.Slice(_segmentPosition, count);
                    _segmentPosition += count;
                    _released += count;
                    return judgedPart;
                }
            }

            if (_passed)
            {
                // All handed out, and the last piece's reader has come back: the buffers are free.
                ReturnBuffers();
                return ReadOnlyMemory<byte>.Empty;
            }

            // Nothing more is judged: keep what of the segment waits, then read and check the next bytes.
            Hold(_segment.Span[_segmentPosition..]);
            _segment = default;
            _segmentPosition = 0;
            var next = await ReadSourceAsync(cancellationToken).ConfigureAwait(false);
            Check(next.Span);
            _segment = next;
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadSourceAsync(CancellationToken cancellationToken)
    {
        if (_body is ISegmentedReadStream { CanReadSegments: true } segments)
        {
            return await segments.ReadSegmentAsync(cancellationToken).ConfigureAwait(false);
        }

        _readBuffer ??= ArrayPool<byte>.Shared.Rent(ReadLength);
        var read = await _body.ReadAsync(_readBuffer.AsMemory(0, ReadLength), cancellationToken).ConfigureAwait(false);
        return _readBuffer.AsMemory(0, read);
    }

    /// <summary>Keeps <paramref name="data"/> behind the bytes already held.</summary>
    private void Hold(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var waiting = _heldEnd - _heldStart;
        if (waiting + data.Length > _held.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(waiting + data.Length, 2 * _held.Length));
            _held.AsSpan(_heldStart, waiting).CopyTo(larger);
            ReturnHeld();
            _held = larger;
        }
        else if (_heldStart > 0)
        {
            _held.AsSpan(_heldStart, waiting).CopyTo(_held);
        }

        data.CopyTo(_held.AsSpan(waiting));
        _heldStart = 0;
        _heldEnd = waiting + data.Length;
    }

    private void Check(ReadOnlySpan<byte> data)
    {
        var problem = data.IsEmpty ? _validator.Complete() : _validator.Append(data);
        if (problem is null)
        {
            _passed = data.IsEmpty;
            return;
        }

        // Latched before the refusal is made, so that no later read hands out anything, whatever happens below.
        _refused = true;
        ReturnBuffers();
        _refusal = ExceptionDispatchInfo.Capture(_refuse(problem));
        _refusal.Throw();
    }

    private void ReturnHeld()
    {
        if (_held.Length > 0)
        {
            PlaintextBuffers.Return(_held, _held.Length);
            _held = [];
        }
    }

    private void ReturnBuffers()
    {
        ReturnHeld();
        _heldStart = _heldEnd = 0;
        _segment = default;
        _segmentPosition = 0;
        DropRest();
        if (_readBuffer is not null)
        {
            PlaintextBuffers.Return(_readBuffer, ReadLength);
            _readBuffer = null;
        }
    }
}
