using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests;

/// <summary>Stores the first uploads like <see cref="RecordingUploader"/>, then fails every later one with the given error.</summary>
internal sealed class FailingUploader(int succeed, Exception error) : IUploader
{
    private int _calls;

    public RecordingUploader Stored { get; } = new();

    public Task UploadAsync(UploadRequest request, CancellationToken cancellationToken = default) =>
        Interlocked.Increment(ref _calls) <= succeed ? Stored.UploadAsync(request, cancellationToken) : Task.FromException(error);
}
