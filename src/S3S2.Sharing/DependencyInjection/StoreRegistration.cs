using S3S2.Sharing.Storage;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.DependencyInjection;

/// <summary>
/// Where a client's shares live, as one registration for both sides: the uploader that writes them (the strategy behind
/// the store: S3 PUT or multipart, the folder's temporary-file-and-rename, or the host's) and, when the store can be
/// read, the reader the receive side lists and downloads through.
/// </summary>
/// <param name="Description">The store for messages (never credentials).</param>
/// <param name="RequiresBucket">Whether the client's bucket must be set.</param>
/// <param name="CreateUploader">Creates the uploader for a named client.</param>
/// <param name="CreateReader">Creates the reader for a named client; <see langword="null"/> for a write-only store (<c>AddUploader(...)</c>).</param>
internal sealed record StoreRegistration(
    string Description,
    bool RequiresBucket,
    Func<IServiceProvider, string, IUploader> CreateUploader,
    Func<IServiceProvider, string, IShareStore>? CreateReader);
