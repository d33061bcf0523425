namespace S3S2.Sharing.Storage;

/// <summary>An object the manifest lists is not in the store.</summary>
internal sealed class ObjectNotFoundException(string message, Exception? innerException = null) : IOException(message, innerException);
