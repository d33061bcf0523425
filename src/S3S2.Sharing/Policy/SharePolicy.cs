using Microsoft.Extensions.Logging;
using S3S2.Sharing.IO;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Policy;

/// <summary>
/// The check before the SDK call. It is a step of the upload path, not a strategy: every upload of a client
/// goes through <see cref="AuthorizeAsync"/>, which reads the first bytes of the body and refuses (throws,
/// nothing sent) unless they are a message the configured encryption must produce and the target lies inside
/// the configured bucket and prefix. The rest of the body is then checked as the uploader reads it, to the last
/// byte: the format's framing (<see cref="IBodyValidator"/>) and that every window looks like ciphertext
/// (<see cref="CiphertextWindows"/>); a refusal there makes the uploader's read throw, and the uploader stores nothing.
/// Only the decision is logged, never the payload.
/// </summary>
internal sealed partial class SharePolicy
{
    /// <summary>How much of a body is inspected: enough for many recipients' session-key packets.</summary>
    internal const int HeadLength = 64 * 1024;

    private const string NothingSent = "Nothing was sent.";
    private const string NothingStoredMidStream = "The upload was stopped before the object became visible; nothing was stored.";

    private readonly string _clientName;
    private readonly string? _bucket;
    private readonly string _prefix;
    private readonly IBodyRule _bodyRule;
    private readonly ServerSideEncryption? _serverSideEncryption;
    private readonly ILogger _logger;
    private readonly ServerSideEncryptionMethod? _requiredServerSideEncryption;
    private readonly IReadOnlyCollection<string> _allowedSseKmsKeyIds;

    public SharePolicy(
        string clientName,
        string? bucket,
        string prefix,
        IBodyRule bodyRule,
        ServerSideEncryption? serverSideEncryption,
        ILogger logger,
        ServerSideEncryptionMethod? requiredServerSideEncryption = null,
        IReadOnlyCollection<string>? allowedSseKmsKeyIds = null)
    {
        _requiredServerSideEncryption = requiredServerSideEncryption;
        _allowedSseKmsKeyIds = allowedSseKmsKeyIds ?? [];
        _clientName = clientName;
        _bucket = bucket;
        _prefix = prefix;
        _bodyRule = bodyRule;
        _serverSideEncryption = serverSideEncryption;
        _logger = logger;
    }

    /// <summary>Checks the target and the first bytes of <paramref name="body"/>; returns the request an uploader may send.</summary>
    public async Task<UploadRequest> AuthorizeAsync(string key, IReadOnlyDictionary<string, string> metadata, Stream body, CancellationToken cancellationToken)
    {
        var targetProblem = CheckTarget(key);
        if (targetProblem is not null)
        {
            throw Refuse(key, targetProblem);
        }

        if (CheckServerSideEncryption() is { } sseProblem)
        {
            throw Refuse(key, sseProblem);
        }

        var head = new byte[HeadLength];
        var length = await body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var isWholeBody = length < head.Length;
        var validator = _bodyRule.CreateValidator();
        var bodyProblem = _bodyRule.Check(head.AsSpan(0, length), isWholeBody)
            ?? validator.Append(head.AsSpan(0, length))
            ?? (isWholeBody ? validator.Complete() : null);
        if (bodyProblem is not null)
        {
            throw Refuse(key, bodyProblem);
        }

        LogAllowed(_logger, _clientName, key);

        // The rest is checked as the uploader reads it; the uploader reads to the end before anything becomes visible.
        var rest = isWholeBody ? body : new CheckedBodyStream(body, validator, problem => Refuse(key, problem, NothingStoredMidStream));

        // The policy names the bucket itself: no caller can point an upload elsewhere.
        return new UploadRequest(_bucket, key, "application/octet-stream", metadata, _serverSideEncryption, new PrefixedStream(head, length, rest));
    }

    private string? CheckTarget(string key)
    {
        if (ObjectKeys.FindProblem(key) is { } problem)
        {
            return $"object key '{key}' {problem}";
        }

        if (_prefix.Length > 0 && !key.StartsWith(_prefix + "/", StringComparison.Ordinal))
        {
            return $"object key '{key}' is outside the configured prefix '{_prefix}/'";
        }

        return key.EndsWith(_bodyRule.ObjectKeySuffix, StringComparison.Ordinal)
            ? null
            : $"object key '{key}' does not end in '{_bodyRule.ObjectKeySuffix}', the extension of the configured format";
    }

    private string? CheckServerSideEncryption()
    {
        if (_requiredServerSideEncryption is { } required && _serverSideEncryption?.Method != required)
        {
            var actual = _serverSideEncryption is null ? "none" : _serverSideEncryption.Method.ToString();
            var fix = required == ServerSideEncryptionMethod.Kms
                ? "Set ShareClientOptions.ServerSideEncryption = ServerSideEncryption.Kms(\"<key ARN>\") (CLI: --sse-kms-key ARN)"
                : "Set ShareClientOptions.ServerSideEncryption = ServerSideEncryption.S3Managed (CLI: --sse-s3)";
            return $"server-side encryption {required} is required but the upload asks for {actual}. {fix}";
        }

        if (_serverSideEncryption is { Method: ServerSideEncryptionMethod.Kms } sse && _allowedSseKmsKeyIds.Count > 0
            && !_allowedSseKmsKeyIds.Contains(sse.KmsKeyId, StringComparer.Ordinal))
        {
            return $"SSE-KMS key '{sse.KmsKeyId}' is not among the allowed keys [{string.Join(", ", _allowedSseKmsKeyIds)}]. Use one of them";
        }

        return null;
    }

    private SharePolicyException Refuse(string key, string reason, string outcome = NothingSent)
    {
        LogRefused(_logger, _clientName, key, reason);
        return new SharePolicyException($"S3S2 client '{_clientName}': share policy refused the upload of '{key}': {reason}. {outcome}");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "S3S2 client '{ClientName}': share policy allowed the upload of '{Key}'")]
    private static partial void LogAllowed(ILogger logger, string clientName, string key);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "S3S2 client '{ClientName}': share policy refused the upload of '{Key}': {Reason}")]
    private static partial void LogRefused(ILogger logger, string clientName, string key, string reason);
}
