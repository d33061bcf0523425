using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Queue;

/// <summary>
/// Re-uploads each verified share to another bucket and prefix under SSE-KMS with the receiver's key, through the
/// library's S3 uploader (multipart for large files, Content-MD5 on every request, aborted on failure so no partial
/// object is visible). The object <c>&lt;prefix&gt;/&lt;shareId&gt;.received</c>, written last, marks a share complete:
/// a later delivery finds it and uploads nothing.
/// </summary>
/// <remarks>
/// The uploader normally takes only requests the share policy made from checked ciphertext. This destination is the
/// receiver's own store for data it has already decrypted and verified, so its requests are made here; what guards
/// them is the required SSE-KMS key and the receiver's IAM on the destination bucket.
/// </remarks>
internal sealed class S3ShareDestination : IReceivedShareHandler, IDisposable
{
    private readonly S3ShareDestinationOptions _options;
    private readonly ServerSideEncryptionOptions _serverSideEncryption;
    private readonly string _prefix;
    private readonly IAmazonS3 _s3;
    private readonly S3Uploader _uploader;

    public S3ShareDestination(S3ShareDestinationOptions options, ILogger logger)
    {
        _options = options;
        _serverSideEncryption = ServerSideEncryptionRules.Copy(options.ServerSideEncryption);
        _prefix = options.Prefix.Trim('/');
        var s3Options = new S3StoreOptions { ServiceUrl = options.ServiceUrl, Region = options.Region, Credentials = options.Credentials };
        _s3 = S3ClientFactory.Create(s3Options);
        _uploader = new S3Uploader(_s3, ownsClient: false, s3Options, logger);
    }

    /// <summary>Gets the bucket the shares are copied to (for tests).</summary>
    internal string Bucket => _options.Bucket!;

    public async Task HandleAsync(VerifiedShare share, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(share);
        var root = _prefix.Length == 0 ? share.ShareId : $"{_prefix}/{share.ShareId}";
        var marker = root + Receiving.ReceiveClient.ReceivedMarkerSuffix;
        if (await ExistsAsync(marker, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var encryption = _serverSideEncryption;
        foreach (var file in share.Files)
        {
            var body = new FileStream(share.PathOf(file), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
            await using (body.ConfigureAwait(false))
            {
                var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["s3s2-share-id"] = share.ShareId, ["s3s2-sha256"] = file.Sha256 };
                await _uploader.UploadAsync(new UploadRequest(_options.Bucket, $"{root}/{file.Path}", "application/octet-stream", metadata, encryption.Method, encryption.KmsKeyId, body), cancellationToken).ConfigureAwait(false);
            }
        }

        using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(share.ManifestKey + "\n"));
        await _uploader.UploadAsync(new UploadRequest(_options.Bucket, marker, "text/plain", new Dictionary<string, string>(), encryption.Method, encryption.KmsKeyId, content), cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _uploader.Dispose();
        _s3.Dispose();
    }

    private async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
