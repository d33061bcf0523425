using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using S3S2.Sharing.Audit.Evaluation;

namespace S3S2.Sharing.Audit;

/// <summary>
/// Reads one bucket's configuration with the S3 API (read-only calls) and reports each control that is missing, wrong or
/// unreadable. An API the endpoint lacks, the caller may not call, or that is throttled becomes a "could not check"
/// finding; only a bucket that does not exist or an endpoint that cannot be reached stops the audit.
/// </summary>
internal sealed class BucketAuditor : IBucketAuditor, IDisposable
{
    private const string Notifications = "notifications";
    private static readonly string[] CheckedControls =
        ["S3.8", "S3.2", "S3.3", "S3.5", "S3.6", "S3.9", "S3.12", "S3.13", "S3.14", "S3.15", "S3.17", Notifications, AccessMatrixEvaluator.MatrixControl];

    /// <summary>The controls the bucket policy decides, unknown when it cannot be read.</summary>
    private static readonly string[] PolicyControls = ["S3.2", "S3.3", "S3.5", "S3.6", AccessMatrixEvaluator.MatrixControl];

    private readonly IAmazonS3 _s3;
    private readonly bool _ownsClient;
    private readonly BucketAuditOptions _options;

    public BucketAuditor(IAmazonS3 s3, bool ownsClient, BucketAuditOptions options)
    {
        _s3 = s3;
        _ownsClient = ownsClient;
        _options = options;
    }

    private string Bucket => _options.Bucket!;

    public async Task<BucketAuditReport> AuditAsync(CancellationToken cancellationToken = default)
    {
        var findings = new List<BucketFinding>
        {
            new()
            {
                Control = "S3.1",
                Severity = FindingSeverity.Informational,
                Title = "Could not check the account-level public access block.",
                Evidence = "It is read through the S3 Control API, which this library does not call (it does not depend on AWSSDK.S3Control).",
                Fix = "Check it with: aws s3control get-public-access-block --account-id <receiver account id> (all four settings true).",
            },
        };

        await CheckPublicAccessBlockAsync(findings, cancellationToken).ConfigureAwait(false);
        // Controls that depend on an answer that did not come: never reported as passed.
        var notChecked = new HashSet<string>(StringComparer.Ordinal);
        await CheckAclAsync(findings, notChecked, cancellationToken).ConfigureAwait(false);
        var matrix = await CheckPolicyAsync(findings, notChecked, cancellationToken).ConfigureAwait(false);
        await CheckLoggingAsync(findings, cancellationToken).ConfigureAwait(false);
        await CheckOwnershipAsync(findings, cancellationToken).ConfigureAwait(false);
        await CheckLifecycleAsync(findings, cancellationToken).ConfigureAwait(false);
        await CheckVersioningAsync(findings, cancellationToken).ConfigureAwait(false);
        await CheckObjectLockAsync(findings, cancellationToken).ConfigureAwait(false);
        await CheckEncryptionAsync(findings, cancellationToken).ConfigureAwait(false);
        await CheckNotificationsAsync(findings, cancellationToken).ConfigureAwait(false);

        var failed = findings.Select(f => f.Control).Concat(notChecked).ToHashSet(StringComparer.Ordinal);
        return new BucketAuditReport
        {
            Bucket = Bucket,
            Findings = findings.OrderByDescending(f => f.Severity).ToList(),
            PassedControls = CheckedControls.Where(c => !failed.Contains(c)).ToList(),
            AccessMatrixColumns = AccessMatrixEvaluator.Columns,
            AccessMatrix = matrix,
        };
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _s3.Dispose();
        }
    }

    private async Task CheckPublicAccessBlockAsync(List<BucketFinding> findings, CancellationToken cancellationToken)
    {
        var read = await ReadAsync("S3.8", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", ["NoSuchPublicAccessBlockConfiguration"], findings,
            () => _s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = Bucket }, cancellationToken)).ConfigureAwait(false);
        if (read.Failed)
        {
            return;
        }

        var block = read.Value?.PublicAccessBlockConfiguration;
        var off = new List<string>();
        if (block?.BlockPublicAcls != true)
        {
            off.Add("BlockPublicAcls");
        }

        if (block?.IgnorePublicAcls != true)
        {
            off.Add("IgnorePublicAcls");
        }

        if (block?.BlockPublicPolicy != true)
        {
            off.Add("BlockPublicPolicy");
        }

        if (block?.RestrictPublicBuckets != true)
        {
            off.Add("RestrictPublicBuckets");
        }

        if (off.Count > 0)
        {
            findings.Add(new BucketFinding
            {
                Control = "S3.8",
                Severity = FindingSeverity.Warning,
                Title = "The bucket's public access block is not fully on.",
                Evidence = block is null ? "No public access block configuration." : $"Off: {string.Join(", ", off)}.",
                Fix = $"aws s3api put-public-access-block --bucket {Bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
            });
        }
    }

    private async Task CheckAclAsync(List<BucketFinding> findings, HashSet<string> notChecked, CancellationToken cancellationToken)
    {
        var read = await ReadAsync("S3.2", "GetBucketAcl", "s3:GetBucketAcl", [], findings,
            () => _s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = Bucket }, cancellationToken)).ConfigureAwait(false);
        if (read.Failed)
        {
            notChecked.Add("S3.3");
        }

        foreach (var grant in read.Value?.Grants ?? [])
        {
            var uri = grant.Grantee?.URI ?? string.Empty;
            var group = uri.EndsWith("/AllUsers", StringComparison.Ordinal) ? "everyone (AllUsers)"
                : uri.EndsWith("/AuthenticatedUsers", StringComparison.Ordinal) ? "every AWS account (AuthenticatedUsers)"
                : null;
            if (group is null)
            {
                continue;
            }

            var permission = grant.Permission?.Value ?? "?";
            var writes = permission is "WRITE" or "WRITE_ACP" or "FULL_CONTROL";
            findings.Add(new BucketFinding
            {
                Control = writes ? "S3.3" : "S3.2",
                Severity = FindingSeverity.Critical,
                Title = $"The bucket ACL grants {permission} to {group}.",
                Evidence = $"Grant: {uri} {permission}.",
                Fix = $"aws s3api put-bucket-ownership-controls --bucket {Bucket} --ownership-controls Rules=[{{ObjectOwnership=BucketOwnerEnforced}}] (disables ACLs), and turn on the public access block.",
            });
        }
    }

    private async Task<IReadOnlyList<AccessMatrixRow>> CheckPolicyAsync(List<BucketFinding> findings, HashSet<string> notChecked, CancellationToken cancellationToken)
    {
        var read = await ReadAsync("S3.5", "GetBucketPolicy", "s3:GetBucketPolicy", ["NoSuchBucketPolicy"], findings,
            () => _s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = Bucket }, cancellationToken)).ConfigureAwait(false);
        if (read.Failed)
        {
            notChecked.UnionWith(PolicyControls);
            findings.Add(CouldNotCheck(AccessMatrixEvaluator.MatrixControl, "the access matrix", "the bucket policy could not be read (see S3.5)", FindingSeverity.Warning));
            return [];
        }

        PolicyDocument policy;
        var json = read.Value?.Policy;

        // AWSSDK.S3 4.x does not throw for GetBucketPolicy's 404: it hands back the XML error body as the policy text.
        if (read.Value?.HttpStatusCode == HttpStatusCode.NotFound || (json?.TrimStart().StartsWith('<') == true && json.Contains("<Code>NoSuchBucketPolicy</Code>", StringComparison.Ordinal)))
        {
            json = null;
        }

        try
        {
            policy = string.IsNullOrWhiteSpace(json) ? PolicyDocument.Empty : PolicyDocument.Parse(json);
        }
        catch (FormatException ex)
        {
            findings.Add(new BucketFinding
            {
                Control = AccessMatrixEvaluator.MatrixControl,
                Severity = FindingSeverity.Warning,
                Title = "Could not check the bucket policy: it cannot be read as an IAM policy.",
                Evidence = ex.Message,
                Fix = "Replace it with the output of 's3s2 policy' (aws s3api put-bucket-policy --bucket " + Bucket + " --policy file://policy.json).",
            });
            notChecked.UnionWith(PolicyControls);
            return [];
        }

        var evaluator = new AccessMatrixEvaluator(policy, _options);
        var rows = evaluator.Evaluate();
        findings.AddRange(evaluator.Findings);
        if (evaluator.CheckTlsOnly() is { } tls)
        {
            findings.Add(tls);
        }

        return rows;
    }

    private async Task CheckLoggingAsync(List<BucketFinding> findings, CancellationToken cancellationToken)
    {
        var read = await ReadAsync("S3.9", "GetBucketLogging", "s3:GetBucketLogging", [], findings,
            () => _s3.GetBucketLoggingAsync(new GetBucketLoggingRequest { BucketName = Bucket }, cancellationToken)).ConfigureAwait(false);
        if (!read.Failed && string.IsNullOrEmpty(read.Value?.BucketLoggingConfig?.TargetBucketName))
        {
            findings.Add(new BucketFinding
            {
                Control = "S3.9",
                Severity = FindingSeverity.Warning,
                Title = "Server access logging is off: nothing records who read or wrote the partners' files.",
                Evidence = "GetBucketLogging returned no target bucket. (CloudTrail data events, S3.22/S3.23, are an alternative; they are configured in CloudTrail and cannot be read from the S3 API.)",
                Fix = $"aws s3api put-bucket-logging --bucket {Bucket} --bucket-logging-status '{{\"LoggingEnabled\":{{\"TargetBucket\":\"<log bucket>\",\"TargetPrefix\":\"{Bucket}/\"}}}}', or log S3 data events for the bucket in CloudTrail.",
            });
        }
    }

    private async Task CheckOwnershipAsync(List<BucketFinding> findings, CancellationToken cancellationToken)
    {
        var read = await ReadAsync("S3.12", "GetBucketOwnershipControls", "s3:GetBucketOwnershipControls", ["OwnershipControlsNotFoundError"], findings,
            () => _s3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = Bucket }, cancellationToken)).ConfigureAwait(false);
        var ownership = read.Value?.OwnershipControls?.Rules?.FirstOrDefault()?.ObjectOwnership?.Value;
        if (!read.Failed && ownership != ObjectOwnership.BucketOwnerEnforced.Value)
        {
            findings.Add(new BucketFinding
            {
                Control = "S3.12",
                Severity = FindingSeverity.Warning,
                Title = "ACLs are not disabled: a partner's upload may stay owned by the partner's account.",
                Evidence = $"Object ownership: {ownership ?? "not set"}.",
                Fix = $"aws s3api put-bucket-ownership-controls --bucket {Bucket} --ownership-controls Rules=[{{ObjectOwnership=BucketOwnerEnforced}}]",
            });
        }
    }

    private async Task CheckLifecycleAsync(List<BucketFinding> findings, CancellationToken cancellationToken)
    {
        var read = await ReadAsync("S3.13", "GetLifecycleConfiguration", "s3:GetLifecycleConfiguration", ["NoSuchLifecycleConfiguration"], findings,
            () => _s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = Bucket }, cancellationToken)).ConfigureAwait(false);
        if (read.Failed)
        {
            return;
        }

        var root = PartnerSettings.Root(_options.PrefixRoot) + "/";
        var rules = (read.Value?.Configuration?.Rules ?? []).Where(r => r.Status == LifecycleRuleStatus.Enabled && Covers(r, root)).ToList();
        var missing = new List<string>();
        if (!rules.Any(r => r.Expiration is { Days: > 0 } || r.Expiration?.Date is not null))
        {
            missing.Add($"no enabled rule expires objects under '{root}'");
        }

        if (!rules.Any(r => r.AbortIncompleteMultipartUpload is { DaysAfterInitiation: > 0 }))
        {
            missing.Add($"no enabled rule aborts incomplete multipart uploads under '{root}'");
        }

        if (missing.Count > 0)
        {
            findings.Add(new BucketFinding
            {
                Control = "S3.13",
                Severity = FindingSeverity.Warning,
                Title = "The lifecycle configuration does not clean up shared files.",
                Evidence = string.Join("; ", missing) + ".",
                Fix = $"s3s2 policy ... --lifecycle-out lifecycle.json, then aws s3api put-bucket-lifecycle-configuration --bucket {Bucket} --lifecycle-configuration file://lifecycle.json",
            });
        }
    }

    /// <summary>Whether a rule applies to every object under the root: its prefix is a prefix of the root, and no tag or size filter narrows it.</summary>
    private static bool Covers(LifecycleRule rule, string root)
    {
        var filter = rule.Filter;
        if (filter?.Tag is not null || filter?.And is not null || filter?.ObjectSizeGreaterThan is not null || filter?.ObjectSizeLessThan is not null
            || filter?.LifecycleFilterPredicate is not null and not LifecyclePrefixPredicate)
        {
            return false;
        }

#pragma warning disable CS0618 // Rules written before filters existed still carry their prefix here, and S3 still applies them.
        var legacyPrefix = rule.Prefix;
#pragma warning restore CS0618
        var prefix = filter?.Prefix ?? (filter?.LifecycleFilterPredicate as LifecyclePrefixPredicate)?.Prefix ?? legacyPrefix ?? string.Empty;
        return root.StartsWith(prefix, StringComparison.Ordinal);
    }

    private async Task CheckVersioningAsync(List<BucketFinding> findings, CancellationToken cancellationToken)
    {
        var read = await ReadAsync("S3.14", "GetBucketVersioning", "s3:GetBucketVersioning", [], findings,
            () => _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = Bucket }, cancellationToken)).ConfigureAwait(false);
        var status = read.Value?.VersioningConfig?.Status?.Value;
        if (!read.Failed && status != VersionStatus.Enabled.Value)
        {
            findings.Add(new BucketFinding
            {
                Control = "S3.14",
                Severity = FindingSeverity.Warning,
                Title = "Versioning is not enabled: an overwrite or delete loses the earlier bytes.",
                Evidence = $"Versioning status: {status ?? "never enabled"}.",
                Fix = $"aws s3api put-bucket-versioning --bucket {Bucket} --versioning-configuration Status=Enabled",
            });
        }
    }

    private async Task CheckObjectLockAsync(List<BucketFinding> findings, CancellationToken cancellationToken)
    {
        var read = await ReadAsync("S3.15", "GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration", ["ObjectLockConfigurationNotFoundError"], findings,
            () => _s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = Bucket }, cancellationToken), FindingSeverity.Informational).ConfigureAwait(false);
        if (!read.Failed && read.Value?.ObjectLockConfiguration?.ObjectLockEnabled?.Value != ObjectLockEnabled.Enabled.Value)
        {
            findings.Add(new BucketFinding
            {
                Control = "S3.15",
                Severity = FindingSeverity.Informational,
                Title = "Object lock is off.",
                Evidence = "No object lock configuration.",
                Fix = "Only if shares must be kept immutable for a period: object lock is set when the bucket is created (aws s3api create-bucket --object-lock-enabled-for-bucket).",
            });
        }
    }

    private async Task CheckEncryptionAsync(List<BucketFinding> findings, CancellationToken cancellationToken)
    {
        var read = await ReadAsync("S3.17", "GetBucketEncryption", "s3:GetEncryptionConfiguration", ["ServerSideEncryptionConfigurationNotFoundError"], findings,
            () => _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = Bucket }, cancellationToken)).ConfigureAwait(false);
        if (read.Failed)
        {
            return;
        }

        var rule = read.Value?.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?.FirstOrDefault();
        var algorithm = rule?.ServerSideEncryptionByDefault?.ServerSideEncryptionAlgorithm?.Value;
        var key = rule?.ServerSideEncryptionByDefault?.ServerSideEncryptionKeyManagementServiceKeyId;
        var expected = _options.ExpectedKmsKeyArn;
        var fix = $"aws s3api put-bucket-encryption --bucket {Bucket} --server-side-encryption-configuration '{{\"Rules\":[{{\"ApplyServerSideEncryptionByDefault\":{{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"{expected ?? "<key ARN>"}\"}},\"BucketKeyEnabled\":true}}]}}'";
        string? problem = null;
        if (algorithm != ServerSideEncryptionMethod.AWSKMS.Value && algorithm != ServerSideEncryptionMethod.AWSKMSDSSE.Value)
        {
            problem = $"Default encryption is {algorithm ?? "not configured"}, not SSE-KMS.";
        }
        else if (expected is not null && !SameKey(key, expected))
        {
            problem = $"Default encryption uses KMS key {key ?? "aws/s3 (the AWS managed key)"}, not the expected {expected}.";
        }
        else if (rule?.BucketKeyEnabled != true)
        {
            problem = "S3 Bucket Key is off: every object costs a KMS call.";
        }

        if (problem is not null)
        {
            findings.Add(new BucketFinding { Control = "S3.17", Severity = FindingSeverity.Warning, Title = "Default encryption is not SSE-KMS with the expected key and a bucket key.", Evidence = problem, Fix = fix });
        }
    }

    /// <summary>The configured key may be the ARN or the bare key id of the expected ARN.</summary>
    private static bool SameKey(string? configured, string expected) =>
        configured is not null && (string.Equals(configured, expected, StringComparison.Ordinal) || expected.EndsWith(":key/" + configured, StringComparison.Ordinal));

    private async Task CheckNotificationsAsync(List<BucketFinding> findings, CancellationToken cancellationToken)
    {
        var read = await ReadAsync(Notifications, "GetBucketNotification", "s3:GetBucketNotification", [], findings,
            () => _s3.GetBucketNotificationAsync(new GetBucketNotificationRequest { BucketName = Bucket }, cancellationToken), FindingSeverity.Informational).ConfigureAwait(false);
        var response = read.Value;
        if (!read.Failed && (response?.QueueConfigurations?.Count ?? 0) + (response?.TopicConfigurations?.Count ?? 0) + (response?.LambdaFunctionConfigurations?.Count ?? 0) == 0
            && response?.EventBridgeConfiguration is null)
        {
            findings.Add(new BucketFinding
            {
                Control = Notifications,
                Severity = FindingSeverity.Informational,
                Title = "No event notifications: new shares are found only by listing.",
                Evidence = "No queue, topic, Lambda or EventBridge configuration.",
                Fix = "For the queue worker: notify an SQS queue of s3:ObjectCreated:* for the manifests under the prefix root.",
            });
        }
    }

    /// <summary>
    /// Calls one read API. A "not configured" error code is an empty answer; any other service error is a "could not check"
    /// finding. A missing bucket, or no answer at all from the endpoint, stops the audit.
    /// </summary>
    private static async Task<(T? Value, bool Failed)> ReadAsync<T>(string control, string api, string permission, string[] notConfigured, List<BucketFinding> findings, Func<Task<T>> call, FindingSeverity severity = FindingSeverity.Warning)
        where T : class
    {
        try
        {
            return (await call().ConfigureAwait(false), false);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket")
        {
            throw;
        }
        catch (AmazonS3Exception ex) when (notConfigured.Contains(ex.ErrorCode, StringComparer.Ordinal))
        {
            return (null, false);
        }
        catch (AmazonS3Exception ex)
        {
            findings.Add(CouldNotCheck(control, api, Reason(ex, permission), severity));
            return (null, true);
        }
    }

    private static string Reason(AmazonS3Exception ex, string permission) => (ex.StatusCode, ex.ErrorCode) switch
    {
        (HttpStatusCode.Forbidden, _) or (_, "AccessDenied") => $"access denied ({ex.ErrorCode}): the caller may not call it; grant {permission} to the auditing principal",
        (HttpStatusCode.NotImplemented, _) or (HttpStatusCode.MethodNotAllowed, _) or (_, "NotImplemented") => $"the endpoint does not implement it ({(int)ex.StatusCode} {ex.ErrorCode})",
        (HttpStatusCode.ServiceUnavailable, _) or (HttpStatusCode.TooManyRequests, _) or (_, "SlowDown" or "Throttling" or "ThrottlingException") => $"throttled ({(int)ex.StatusCode} {ex.ErrorCode}) after the SDK's retries; run the audit again later",
        _ => $"{(int)ex.StatusCode} {ex.ErrorCode}: {ex.Message}",
    };

    private static BucketFinding CouldNotCheck(string control, string api, string reason, FindingSeverity severity) => new()
    {
        Control = control,
        Severity = severity,
        Title = $"Could not check {control}: {api} failed.",
        Evidence = reason + ".",
        Fix = "Run the audit with a principal that may read the bucket's configuration, against an endpoint that implements the S3 bucket APIs.",
    };
}
