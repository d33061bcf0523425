using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3S2.Sharing.Storage;

/// <summary>Reads shares from an S3 bucket: ListObjectsV2 with delimiter '/', GetObject streamed, DeleteObject.</summary>
internal sealed class S3ShareStore : IShareStore, IDisposable
{
    private readonly IAmazonS3 _s3;
    private readonly bool _ownsClient;
    private readonly string _bucket;

    public S3ShareStore(IAmazonS3 s3, bool ownsClient, string bucket)
    {
        _s3 = s3;
        _ownsClient = ownsClient;
        _bucket = bucket;
    }

    public string Description => $"bucket '{_bucket}'";

    public async Task<StoreListing> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var objects = new List<string>();
        var folders = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix.Length == 0 ? string.Empty : prefix + "/", Delimiter = "/" };
        ListObjectsV2Response response;
        do
        {
            response = await _s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);

            // SDK v4 returns null collections when nothing matches.
            objects.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            folders.AddRange((response.CommonPrefixes ?? []).Select(p => p.TrimEnd('/')));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);
        return new StoreListing(objects, folders);
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);

            // Disposing the body stream releases the response and its connection.
            return response.ResponseStream;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException($"Object '{key}' is not in {Description}.", ex);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);

    public void Dispose()
    {
        if (_ownsClient)
        {
            _s3.Dispose();
        }
    }
}
