using Microsoft.Extensions.Logging;
using S3S2.Sharing.IO;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Policy;

/// <summary>
/// The check before the SDK call. It is a step of the upload path, not a strategy: every upload of a client
/// goes through <see cref="AuthorizeAsync"/>, which reads the first bytes of the body and refuses (throws,
/// nothing sent) unless they are a message the configured encryption must produce and the target lies inside
/// the configured bucket and prefix. The rest of the body is then checked as the uploader reads it, to the last
/// byte: the format's framing (<see cref="IBodyValidator"/>) and that every window looks like ciphertext
/// (<see cref="CiphertextWindows"/>). The uploader gets only bytes already judged (<see cref="CheckedBodyStream"/>);
/// a refusal makes its read throw, and the uploader stores nothing.
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
    private readonly ServerSideEncryptionOptions _serverSideEncryption;
    private readonly ILogger _logger;

    public SharePolicy(
        string clientName,
        string? bucket,
        string prefix,
        IBodyRule bodyRule,
        ServerSideEncryptionOptions? serverSideEncryption,
        ILogger logger)
    {
        _clientName = clientName;
        _bucket = bucket;
        _prefix = prefix;
        _bodyRule = bodyRule;
        _serverSideEncryption = serverSideEncryption is null ? new ServerSideEncryptionOptions() : ServerSideEncryptionRules.Copy(serverSideEncryption);
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

        if (ServerSideEncryptionRules.UploadProblem(_serverSideEncryption) is { } sseProblem)
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

        // The rest is checked as the uploader reads it, and the uploader gets only judged bytes; it reads to the end
        // before anything becomes visible.
        Stream checkedBody = isWholeBody
            ? new PrefixedStream(head, length, body)
            : new CheckedBodyStream(head.AsMemory(0, length), body, validator, problem => Refuse(key, problem, NothingStoredMidStream));

        // The policy names the bucket itself: no caller can point an upload elsewhere.
        return new UploadRequest(_bucket, key, "application/octet-stream", metadata, _serverSideEncryption.Method, _serverSideEncryption.KmsKeyId, checkedBody);
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
