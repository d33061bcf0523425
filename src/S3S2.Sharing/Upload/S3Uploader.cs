using System.Buffers;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Storage;
using ServerSideEncryptionMethod = S3S2.Sharing.Storage.ServerSideEncryptionMethod;
using SseMethod = Amazon.S3.ServerSideEncryptionMethod;

namespace S3S2.Sharing.Upload;

/// <summary>
/// Uploads to S3: a single PUT for bodies up to the multipart threshold, else a multipart upload whose parts
/// go up in parallel from a bounded set of buffers. A failed multipart upload is aborted, so no partial
/// object is ever visible; a failed abort is logged, never thrown over the original error.
/// Every request is sent with a plain (non aws-chunked) payload of known length, which S3-compatible stores need,
/// and with the Content-MD5 of that payload, so S3 refuses (400 BadDigest) a body that was corrupted in transit.
/// </summary>
internal sealed partial class S3Uploader : IUploader, IDisposable
{
    /// <summary>The most parts one S3 multipart upload may have.</summary>
    internal const int MaxParts = 10_000;

    private readonly IAmazonS3 _s3;
    private readonly bool _ownsClient;
    private readonly S3StoreOptions _options;

    // Part buffers come from this uploader's own pool, not ArrayPool.Shared: a part is filled on one thread and returned
    // on whichever thread its upload finished, and the shared pool keeps a returned array in that thread's cache, so the
    // filling thread rarely got one back and allocated anew; a long upload spread arrays over every pool thread's cache,
    // and peak memory grew with the file (158 MiB for 256 MiB, 215 MiB for 4 GiB). This pool hands each returned buffer
    // to the next rent and keeps no more than were in use at once, up to two uploads' worth (the share's default of two
    // files at once, each with MaxConcurrentParts parts in flight and one filling); a shared body holds only ciphertext.
    private readonly ArrayPool<byte> _parts;
    private readonly ILogger _logger;

    public S3Uploader(IAmazonS3 s3, bool ownsClient, S3StoreOptions options, ILogger logger)
    {
        _s3 = s3;
        _ownsClient = ownsClient;
        _options = options;
        _logger = logger;
        _parts = ArrayPool<byte>.Create(Math.Max(options.PartSize, options.MultipartThreshold), 2 * (options.MaxConcurrentParts + 1));
    }

    public async Task UploadAsync(UploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var threshold = _options.MultipartThreshold;
        var first = _parts.Rent(threshold);
        var handedOver = false;
        try
        {
            var length = await request.Body.ReadAtLeastAsync(first.AsMemory(0, threshold), threshold, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (length < threshold)
            {
                await PutAsync(request, first, length, cancellationToken).ConfigureAwait(false);
                return;
            }

            handedOver = true;
            await MultipartAsync(request, first, length, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!handedOver)
            {
                _parts.Return(first);
            }
        }
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _s3.Dispose();
        }
    }

    private async Task PutAsync(UploadRequest request, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(buffer, 0, length, writable: false);
        var put = new PutObjectRequest
        {
            BucketName = request.Bucket,
            Key = request.Key,
            InputStream = content,
            AutoCloseStream = false,
            ContentType = request.ContentType,
            UseChunkEncoding = false,
            MD5Digest = ContentMd5(buffer.AsSpan(0, length)),
        };
        foreach (var (name, value) in request.Metadata)
        {
            put.Metadata.Add(name, value);
        }

        if (request.ServerSideEncryptionMethod != ServerSideEncryptionMethod.None)
        {
            put.ServerSideEncryptionMethod = ToSdk(request.ServerSideEncryptionMethod);
            put.ServerSideEncryptionKeyManagementServiceKeyId = request.ServerSideEncryptionKmsKeyId;
        }

        await _s3.PutObjectAsync(put, cancellationToken).ConfigureAwait(false);
    }

    private async Task MultipartAsync(UploadRequest request, byte[] first, int firstLength, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = request.Bucket,
            Key = request.Key,
            ContentType = request.ContentType,
        };
        foreach (var (name, value) in request.Metadata)
        {
            initiate.Metadata.Add(name, value);
        }

        if (request.ServerSideEncryptionMethod != ServerSideEncryptionMethod.None)
        {
            initiate.ServerSideEncryptionMethod = ToSdk(request.ServerSideEncryptionMethod);
            initiate.ServerSideEncryptionKeyManagementServiceKeyId = request.ServerSideEncryptionKmsKeyId;
        }

        string uploadId;
        try
        {
            // Not cancelled midway: a cancelled initiate may still create the upload on the server, with no id to abort
            // it by. A cancellation that comes meanwhile stops the loop below at once, which aborts the upload.
            cancellationToken.ThrowIfCancellationRequested();
            uploadId = (await _s3.InitiateMultipartUploadAsync(initiate, CancellationToken.None).ConfigureAwait(false)).UploadId;
        }
        catch
        {
            _parts.Return(first);
            throw;
        }

        var parts = new List<PartETag>();
        var uploads = new List<Task>();
        using var gate = new SemaphoreSlim(_options.MaxConcurrentParts);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var number = 1;
            var buffer = first;
            var length = firstLength;
            while (true)
            {
                try
                {
                    await gate.WaitAsync(failed.Token).ConfigureAwait(false);
                }
                catch
                {
                    _parts.Return(buffer);
                    throw;
                }

                if (number > MaxParts)
                {
                    _parts.Return(buffer);
                    throw new InvalidOperationException(
                        $"'{request.Key}' needs more than S3's {MaxParts} parts at PartSize {_options.PartSize} bytes. Raise S3 PartSize (up to 5 GiB) to share files this large.");
                }

                uploads.Add(UploadPartAsync(request, uploadId, number, buffer, length, parts, gate, failed));
                number++;
                buffer = _parts.Rent(_options.PartSize);
                try
                {
                    length = await request.Body.ReadAtLeastAsync(buffer.AsMemory(0, _options.PartSize), _options.PartSize, throwOnEndOfStream: false, failed.Token).ConfigureAwait(false);
                }
                catch
                {
                    _parts.Return(buffer);
                    throw;
                }

                if (length == 0)
                {
                    _parts.Return(buffer);
                    break;
                }
            }

            await Task.WhenAll(uploads).ConfigureAwait(false);
            await _s3.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest
                {
                    BucketName = request.Bucket,
                    Key = request.Key,
                    UploadId = uploadId,
                    PartETags = parts.OrderBy(p => p.PartNumber).ToList(),
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            await failed.CancelAsync().ConfigureAwait(false);
            var reported = error;
            try
            {
                await Task.WhenAll(uploads).ConfigureAwait(false);
            }
            catch (Exception partError) when (error is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The loop stopped because a part failed: that part's error is the one to report.
                reported = partError;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Other parts' errors add nothing to the first one.
            }

            await AbortAsync(request, uploadId).ConfigureAwait(false);
            if (ReferenceEquals(reported, error))
            {
                throw;
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(reported);
        }
    }

    private async Task UploadPartAsync(UploadRequest request, string uploadId, int number, byte[] buffer, int length, List<PartETag> parts, SemaphoreSlim gate, CancellationTokenSource failed)
    {
        try
        {
            using var content = new MemoryStream(buffer, 0, length, writable: false);
            var response = await _s3.UploadPartAsync(
                new UploadPartRequest
                {
                    BucketName = request.Bucket,
                    Key = request.Key,
                    UploadId = uploadId,
                    PartNumber = number,
                    PartSize = length,
                    InputStream = content,
                    UseChunkEncoding = false,
                    MD5Digest = ContentMd5(buffer.AsSpan(0, length)),
                },
                failed.Token).ConfigureAwait(false);
            lock (parts)
            {
                parts.Add(new PartETag(number, response.ETag));
            }
        }
        catch
        {
            await failed.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _parts.Return(buffer);
            gate.Release();
        }
    }

    private async Task AbortAsync(UploadRequest request, string uploadId)
    {
        try
        {
            await _s3.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = request.Bucket, Key = request.Key, UploadId = uploadId },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever the abort's trouble (refused, timed out, no network), the upload's own error is the one to report.
            LogAbortFailed(_logger, request.Key, uploadId, ex.Message);
        }
    }

    /// <summary>The Content-MD5 header value: S3's own check that the body it received is the body that was sent.</summary>
    /// <remarks>
    /// MD5 here is a transport checksum S3 verifies (as CRC32C would be), not a security function: the body is
    /// ciphertext whose integrity the receiver checks cryptographically. Unlike the SDK's flexible checksums it needs
    /// no aws-chunked trailer and no matching algorithm on the multipart upload, so it works the same on S3 and on
    /// S3-compatible stores.
    /// </remarks>
#pragma warning disable CA5351 // See remarks: a transport checksum S3 verifies, not a security function.
    internal static string ContentMd5(ReadOnlySpan<byte> body) => Convert.ToBase64String(MD5.HashData(body));
#pragma warning restore CA5351

    private static SseMethod ToSdk(ServerSideEncryptionMethod method) =>
        method == ServerSideEncryptionMethod.Kms ? SseMethod.AWSKMS : SseMethod.AES256;

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Could not abort the failed multipart upload {UploadId} of '{Key}': {Reason}. Its parts stay billed until a lifecycle rule (AbortIncompleteMultipartUpload) removes them; no object is visible.")]
    private static partial void LogAbortFailed(ILogger logger, string key, string uploadId, string reason);
}
