using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Receiving;

/// <summary>The one place that classifies what went wrong while receiving, so every caller reports it the same way.</summary>
internal static class ReceiveErrors
{
    /// <summary>Classifies an error raised by the decryptor, the checks or the destination.</summary>
    public static ReceiveErrorKind Classify(Exception error) => error switch
    {
        IntegrityException or ObjectNotFoundException => ReceiveErrorKind.Integrity,
        EncryptionKeyException => ReceiveErrorKind.Key,
        ReceiveLimitException => ReceiveErrorKind.Limit,
        Signing.SignerRefusedException => ReceiveErrorKind.Signer,
        _ when IsChecksumMismatch(error) => ReceiveErrorKind.Integrity,
        _ => ReceiveErrorKind.Other,
    };

    /// <summary>
    /// Classifies an error raised by the store while an object was opened or its body read: the network's and the
    /// server's passing failures are transient; S3's own checksum check failing means the stored bytes changed.
    /// </summary>
    public static ReceiveErrorKind ClassifyDownload(Exception error) => error switch
    {
        _ when IsChecksumMismatch(error) => ReceiveErrorKind.Integrity,
        ObjectNotFoundException => ReceiveErrorKind.Integrity,
        AmazonServiceException service => service.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)service.StatusCode >= 500
            ? ReceiveErrorKind.Transient
            : ReceiveErrorKind.Other,
        TimeoutException or IOException or HttpRequestException or SocketException or AmazonClientException => ReceiveErrorKind.Transient,
        _ => Classify(error),
    };

    /// <summary>The status a file or share gets for an error of <paramref name="kind"/>.</summary>
    public static ReceiveStatus StatusOf(ReceiveErrorKind kind) => kind switch
    {
        ReceiveErrorKind.Integrity => ReceiveStatus.IntegrityFailed,
        ReceiveErrorKind.Limit or ReceiveErrorKind.Signer => ReceiveStatus.Refused,
        _ => ReceiveStatus.Failed,
    };

    /// <summary>The AWS SDK's own MD5/CRC check of a response body (against the ETag or checksum header) failed.</summary>
    private static bool IsChecksumMismatch(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is AmazonClientException
                && (error.Message.Contains("hash not equal", StringComparison.OrdinalIgnoreCase) || error.Message.Contains("checksum", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }
}
