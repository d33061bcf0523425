using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests;

/// <summary>A custom uploader that keeps what it is given, to show what reaches uploaders.</summary>
internal sealed class RecordingUploader : IUploader
{
    public Dictionary<string, byte[]> Objects { get; } = [];

    public async Task UploadAsync(UploadRequest request, CancellationToken cancellationToken = default)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        lock (Objects)
        {
            Objects[request.Key] = body.ToArray();
        }
    }
}
