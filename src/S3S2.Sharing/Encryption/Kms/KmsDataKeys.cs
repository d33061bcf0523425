using System.Net;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>The KMS calls of envelope encryption, with KMS errors turned into messages that name the key, the call and the fix.</summary>
internal static class KmsDataKeys
{
    /// <summary>Generates a data key under the first key and encrypts it under every further key; one encrypted data key per key.</summary>
    public static async Task<(byte[] DataKey, List<EsdkEncryptedDataKey> EncryptedDataKeys)> GenerateAsync(
        IAmazonKeyManagementService kms, IReadOnlyList<string> keyIds, Dictionary<string, string> context, CancellationToken cancellationToken)
    {
        GenerateDataKeyResponse generated;
        try
        {
            generated = await kms.GenerateDataKeyAsync(
                new GenerateDataKeyRequest { KeyId = keyIds[0], NumberOfBytes = EsdkFormat.DataKeyLength, EncryptionContext = new(context, StringComparer.Ordinal) },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex)
        {
            throw Explain(ex, "GenerateDataKey", keyIds[0]);
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            throw Unreachable(ex, "GenerateDataKey", keyIds[0]);
        }

        var dataKey = generated.Plaintext.ToArray();
        if (dataKey.Length != EsdkFormat.DataKeyLength)
        {
            throw new EncryptionKeyException($"KMS GenerateDataKey on key '{keyIds[0]}' returned a {dataKey.Length}-byte data key; 32 bytes were asked for. Check the KMS endpoint.");
        }

        var encrypted = new List<EsdkEncryptedDataKey> { new(EsdkFormat.KmsProviderId, generated.KeyId ?? keyIds[0], generated.CiphertextBlob.ToArray()) };
        foreach (var keyId in keyIds.Skip(1))
        {
            try
            {
                using var plaintext = new MemoryStream(dataKey, writable: false);
                var response = await kms.EncryptAsync(
                    new EncryptRequest { KeyId = keyId, Plaintext = plaintext, EncryptionContext = new(context, StringComparer.Ordinal) },
                    cancellationToken).ConfigureAwait(false);
                encrypted.Add(new(EsdkFormat.KmsProviderId, response.KeyId ?? keyId, response.CiphertextBlob.ToArray()));
            }
            catch (AmazonServiceException ex)
            {
                throw Explain(ex, "Encrypt", keyId);
            }
            catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
            {
                throw Unreachable(ex, "Encrypt", keyId);
            }
        }

        return (dataKey, encrypted);
    }

    /// <summary>Decrypts the first encrypted data key KMS opens; KMS checks the encryption context.</summary>
    public static async Task<byte[]> DecryptAsync(
        Func<string, IAmazonKeyManagementService> kmsForKey, IReadOnlyList<EsdkEncryptedDataKey> candidates, Dictionary<string, string> context, CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        foreach (var candidate in candidates)
        {
            try
            {
                var response = await kmsForKey(candidate.ProviderInfo).DecryptAsync(
                    new DecryptRequest
                    {
                        KeyId = candidate.ProviderInfo,
                        CiphertextBlob = new MemoryStream(candidate.Ciphertext, writable: false),
                        EncryptionContext = new(context, StringComparer.Ordinal),
                    },
                    cancellationToken).ConfigureAwait(false);
                if (!string.Equals(response.KeyId, candidate.ProviderInfo, StringComparison.Ordinal))
                {
                    failures.Add(new IntegrityException($"KMS decrypted the data key of '{candidate.ProviderInfo}' with another key ('{response.KeyId}'). The message's key information was altered."));
                    continue;
                }

                var dataKey = response.Plaintext.ToArray();
                if (dataKey.Length == EsdkFormat.DataKeyLength)
                {
                    return dataKey;
                }

                failures.Add(new IntegrityException($"The data key under '{candidate.ProviderInfo}' is {dataKey.Length} bytes; the algorithm suite needs 32."));
            }
            catch (AmazonServiceException ex)
            {
                failures.Add(Explain(ex, "Decrypt", candidate.ProviderInfo));
            }
            catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
            {
                // A message may name a key in a region this host cannot reach: that share fails, the run goes on.
                failures.Add(Unreachable(ex, "Decrypt", candidate.ProviderInfo));
            }
        }

        if (failures.Count == 1)
        {
            throw failures[0];
        }

        var summary = string.Join(" ", failures.Select(f => f.Message));
        throw failures.TrueForAll(f => f is IntegrityException)
            ? new IntegrityException(summary, new AggregateException(failures))
            : new EncryptionKeyException($"No encrypted data key of the message could be decrypted. {summary}", new AggregateException(failures))
            {
                // Worth a later try only if every key failed for a passing reason.
                IsTransient = failures.TrueForAll(f => f is EncryptionKeyException { IsTransient: true }),
            };
    }

    /// <summary>Network failures the SDK gave up on (no answer from KMS at all), and its own timeouts.</summary>
    private static bool IsUnreachable(Exception error, CancellationToken cancellationToken) =>
        error is AmazonClientException or HttpRequestException or IOException or System.Net.Sockets.SocketException
        || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>
    /// The call never got an answer: the network or a timeout (transient), or the SDK could not send it at all, most
    /// often for want of credentials (not transient; the SDK's message lists each credential source it tried on lines
    /// of its own, so only its first line goes into this one).
    /// </summary>
    private static EncryptionKeyException Unreachable(Exception error, string operation, string keyId) =>
        error is AmazonClientException && error.InnerException is not (HttpRequestException or IOException or System.Net.Sockets.SocketException)
            ? new($"KMS {operation} on key '{keyId}' was not sent: {FirstLine(error.Message)} Check the AWS credentials (environment variables, profile, role) and the KMS endpoint or region; the inner exception has the SDK's details.", error)
            : new($"KMS could not be reached for {operation} on key '{keyId}' ({error.GetType().Name}: {FirstLine(error.Message)}). Check the network, and that the KMS endpoint or region (the key ARN's region unless one is configured) is right; retry later.", error) { IsTransient = true };

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd();

    internal static Exception Explain(AmazonServiceException error, string operation, string keyId) => error switch
    {
        _ when error.InnerException is HttpRequestException or IOException or System.Net.Sockets.SocketException => Unreachable(error, operation, keyId),
        DisabledException => new EncryptionKeyException($"KMS key '{keyId}' is disabled, so KMS refused {operation}. Ask the key's owner to enable it (aws kms enable-key), or use another key.", error),
        NotFoundException => new EncryptionKeyException($"KMS key '{keyId}' was not found by {operation}. Check the key ARN, and that the KMS client uses the key's region or endpoint.", error),
        KMSInvalidStateException => new EncryptionKeyException($"KMS key '{keyId}' cannot be used now (pending deletion or import): {operation} refused. Ask the key's owner to check its state.", error),
        InvalidCiphertextException or IncorrectKeyException => new IntegrityException($"KMS {operation} with key '{keyId}' refused the encrypted data key: it was altered, or the message's encryption context is not the one it was encrypted with.", error),
        _ when error.ErrorCode is "AccessDeniedException" or "AccessDenied" || error.StatusCode == HttpStatusCode.Forbidden =>
            new EncryptionKeyException($"KMS denied {operation} on key '{keyId}' to the caller's credentials. The key policy (or an IAM policy) must allow kms:{operation} for your role: ask the key's owner.", error),
        LimitExceededException => Throttled(error, operation, keyId),
        _ when error.ErrorCode is "ThrottlingException" or "TooManyRequestsException" || error.StatusCode == HttpStatusCode.TooManyRequests => Throttled(error, operation, keyId),
        _ => new EncryptionKeyException($"KMS {operation} on key '{keyId}' failed: {error.ErrorCode}: {error.Message}", error),
    };

    private static EncryptionKeyException Throttled(AmazonServiceException error, string operation, string keyId) =>
        new($"KMS throttled {operation} on key '{keyId}' even after the SDK's retries. Retry later, share fewer files at once (MaxConcurrentFiles), or ask for a higher KMS request quota.", error) { IsTransient = true };
}
