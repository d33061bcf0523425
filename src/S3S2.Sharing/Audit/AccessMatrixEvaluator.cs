using S3S2.Sharing.Audit.Evaluation;

namespace S3S2.Sharing.Audit;

/// <summary>
/// Asks the bucket policy, for every partner, an anonymous caller and an unrelated account, the questions that matter
/// for a partner drop bucket (may it write its own prefix, another's, outside the root; read, list, delete; write
/// without TLS or SSE-KMS or with another key) and turns every wrong answer into a finding.
/// </summary>
internal sealed class AccessMatrixEvaluator
{
    public const string Anonymous = "anonymous";
    public const string OtherAccount = "other-account";
    public const string MatrixControl = "access-matrix";

    /// <summary>The columns, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["put-own", "put-other", "put-outside", "get-own", "get-other", "list", "delete-own", "delete-other", "put-no-tls", "put-no-sse", "put-other-key"];

    /// <summary>The bucket-administration actions Security Hub's S3.6 says no other account may hold.</summary>
    private static readonly string[] AdminActions = ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutEncryptionConfiguration", "s3:PutObjectAcl"];

    /// <summary>Accounts to stand for "someone unrelated"; one that no partner belongs to is used.</summary>
    private static readonly string[] UnrelatedAccounts = ["999999999999", "888888888888", "777777777777"];

    private static readonly string[] TlsProbeActions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"];

    private const string ProbeObject = "s3s2-audit-probe";
    private const string ProbeOtherKey = "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000";

    private readonly PolicyDocument _policy;
    private readonly string _bucket;
    private readonly string _root;
    private readonly BucketAuditOptions _options;
    private readonly List<BucketFinding> _findings = [];

    public AccessMatrixEvaluator(PolicyDocument policy, BucketAuditOptions options)
    {
        _policy = policy;
        _options = options;
        _bucket = options.Bucket!;
        _root = PartnerSettings.Root(options.PrefixRoot);
    }

    public IReadOnlyList<BucketFinding> Findings => _findings;

    public IReadOnlyList<AccessMatrixRow> Evaluate()
    {
        var partners = _options.Partners.ToList();
        var rows = new List<AccessMatrixRow>();
        for (var i = 0; i < partners.Count; i++)
        {
            var (name, principal) = partners[i];
            var other = partners.Count > 1 ? partners[(i + 1) % partners.Count].Key : "s3s2-audit-other";
            rows.Add(PartnerRow(name, principal, other));
        }

        var someone = partners.Count > 0 ? partners[0].Key : "s3s2-audit-other";
        rows.Add(OutsiderRow(Anonymous, null, someone));
        rows.Add(OutsiderRow(OtherAccount, UnrelatedPrincipal(), someone));
        CheckAdministration();
        CheckForeignPrincipals();
        return rows;
    }

    /// <summary>Whether every request without TLS is explicitly denied (Security Hub S3.5), for any principal.</summary>
    public BucketFinding? CheckTlsOnly()
    {
        var key = $"{_root}/{_options.Partners.Keys.FirstOrDefault() ?? "s3s2-audit-other"}/{ProbeObject}";
        var notDenied = new List<string>();
        foreach (var action in TlsProbeActions)
        {
            var result = Evaluate(UnrelatedPrincipal(), action, ObjectArn(key), secure: false, kmsKey: null);
            if (result.Decision != AccessDecision.ExplicitDeny)
            {
                notDenied.Add(action);
            }
        }

        return notDenied.Count == 0 ? null : new BucketFinding
        {
            Control = "S3.5",
            Severity = FindingSeverity.Warning,
            Title = "Requests without TLS are not denied by the bucket policy.",
            Evidence = $"{string.Join(", ", notDenied)} over plain HTTP is not explicitly denied for every principal.",
            Fix = "Add a statement: Effect Deny, Principal \"*\", Action \"s3:*\", Resource the bucket and bucket/*, Condition {\"Bool\": {\"aws:SecureTransport\": \"false\"}} (s3s2 policy writes it).",
        };
    }

    private AccessMatrixRow PartnerRow(string name, string principal, string otherPartner)
    {
        var key = PartnerSettings.KeyFor(name, _options.ExpectedKmsKeyArn, _options.PartnerKmsKeys);
        var own = ObjectArn($"{_root}/{name}/{ProbeObject}");
        var other = ObjectArn($"{_root}/{otherPartner}/{ProbeObject}");
        var outside = ObjectArn(ProbeObject);
        var checks = new List<AccessCheck>
        {
            Check("put-own", principal, "s3:PutObject", own, true, key),
            Check("put-other", principal, "s3:PutObject", other, true, key),
            Check("put-outside", principal, "s3:PutObject", outside, true, key),
            Check("get-own", principal, "s3:GetObject", own, true, null),
            Check("get-other", principal, "s3:GetObject", other, true, null),
            Check("list", principal, "s3:ListBucket", BucketArn(), true, null),
            Check("delete-own", principal, "s3:DeleteObject", own, true, null),
            Check("delete-other", principal, "s3:DeleteObject", other, true, null),
            Check("put-no-tls", principal, "s3:PutObject", own, false, key),
            Check("put-no-sse", principal, "s3:PutObject", own, true, null, withSse: false),
            key is null ? NotApplicable("put-other-key", "no KMS key is expected") : Check("put-other-key", principal, "s3:PutObject", own, true, ProbeOtherKey),
        };

        foreach (var check in checks)
        {
            var who = $"Partner '{name}' ({principal})";
            switch (check.Name)
            {
                case "put-own" when check.Outcome != AccessOutcome.Allowed:
                    Add(FindingSeverity.Warning, who + " cannot upload to its own prefix with TLS" + (key is null ? "." : $" and SSE-KMS key {key}."), check, "Allow s3:PutObject and s3:AbortMultipartUpload on " + own.Replace(ProbeObject, "*", StringComparison.Ordinal) + " for the partner (s3s2 policy writes it).");
                    break;
                case "put-other" or "get-other" or "list" or "delete-other" when check.Outcome == AccessOutcome.Allowed:
                    Add(FindingSeverity.Critical, $"{who} {Verb(check.Name)} another partner's files ({otherPartner}).", check, "Grant each partner only s3:PutObject and s3:AbortMultipartUpload on its own prefix; remove the statement that allows this.");
                    break;
                case "put-outside" or "get-own" or "delete-own" when check.Outcome == AccessOutcome.Allowed:
                    Add(FindingSeverity.Warning, $"{who} {Verb(check.Name)}.", check, "Partners are write-only to their own prefix: remove the grant (s3s2 policy writes the least-privilege policy).");
                    break;
                case "put-no-tls" when check.Outcome == AccessOutcome.Allowed:
                    Add(FindingSeverity.Warning, $"{who} may upload over plain HTTP.", check, "Deny every request with aws:SecureTransport false (s3s2 policy writes the statement).");
                    break;
                case "put-no-sse" when key is not null && check.Outcome == AccessOutcome.Allowed:
                    Add(FindingSeverity.Warning, $"{who} may upload without SSE-KMS.", check, $"Deny s3:PutObject unless s3:x-amz-server-side-encryption is aws:kms and the key id is {key} (s3s2 policy --sse-kms-key writes it).");
                    break;
                case "put-other-key" when check.Outcome == AccessOutcome.Allowed:
                    Add(FindingSeverity.Warning, $"{who} may upload with an SSE-KMS key other than {key}.", check, $"Deny s3:PutObject when s3:x-amz-server-side-encryption-aws-kms-key-id is not {key} (s3s2 policy writes it).");
                    break;
            }
        }

        return new AccessMatrixRow { Subject = name, Principal = principal, Checks = checks };
    }

    private AccessMatrixRow OutsiderRow(string subject, string? principal, string somePartner)
    {
        var other = ObjectArn($"{_root}/{somePartner}/{ProbeObject}");
        var outside = ObjectArn(ProbeObject);
        var key = PartnerSettings.KeyFor(somePartner, _options.ExpectedKmsKeyArn, _options.PartnerKmsKeys);
        var checks = new List<AccessCheck>
        {
            NotApplicable("put-own", "has no prefix of its own"),
            Check("put-other", principal, "s3:PutObject", other, true, key),
            Check("put-outside", principal, "s3:PutObject", outside, true, key),
            NotApplicable("get-own", "has no prefix of its own"),
            Check("get-other", principal, "s3:GetObject", other, true, null),
            Check("list", principal, "s3:ListBucket", BucketArn(), true, null),
            NotApplicable("delete-own", "has no prefix of its own"),
            Check("delete-other", principal, "s3:DeleteObject", other, true, null),
            NotApplicable("put-no-tls", "may not upload at all"),
            NotApplicable("put-no-sse", "may not upload at all"),
            NotApplicable("put-other-key", "may not upload at all"),
        };

        foreach (var check in checks.Where(c => c.Outcome == AccessOutcome.Allowed))
        {
            var reads = check.Name is "get-other" or "list";
            var control = principal is null ? (reads ? "S3.2" : "S3.3") : "S3.6";
            var who = principal is null ? "Anyone (anonymous)" : $"An unrelated account ({principal})";
            Add(FindingSeverity.Critical, $"{who} {OutsiderVerb(check.Name)}.", check, "Remove the statement that grants it (Principal \"*\" or another account) and turn on all four public access block settings.", control);
        }

        return new AccessMatrixRow { Subject = subject, Principal = principal, Checks = checks };
    }

    private void CheckAdministration()
    {
        foreach (var (name, principal) in _options.Partners)
        {
            foreach (var action in AdminActions)
            {
                var resource = action == "s3:PutObjectAcl" ? ObjectArn($"{_root}/{name}/{ProbeObject}") : BucketArn();
                var result = Evaluate(principal, action, resource, secure: true, kmsKey: null);
                if (result.IsAllowed)
                {
                    _findings.Add(new BucketFinding
                    {
                        Control = "S3.6",
                        Severity = FindingSeverity.Critical,
                        Title = $"Partner '{name}' ({principal}) may call {action}.",
                        Evidence = $"The bucket policy allows {action} on {resource}.{Uncertain(result.Uncertainties)}",
                        Fix = "Other accounts must not administer the bucket: remove the grant.",
                    });
                }
            }
        }
    }

    /// <summary>Principals the policy grants to that are neither partners nor the receiver (S3.6: grants limited to what the partners need).</summary>
    private void CheckForeignPrincipals()
    {
        var receiverAccount = _options.ExpectedKmsKeyArn is { } key ? PrincipalSet.AccountOf(key) : null;
        var partners = _options.Partners.Values.ToHashSet(StringComparer.Ordinal);
        foreach (var statement in _policy.Statements.Where(s => !s.IsDeny && s.Principal is not null))
        {
            foreach (var principal in statement.Principal!.Aws.Where(p => p != "*" && !partners.Contains(p)).Distinct())
            {
                var own = receiverAccount is not null && PrincipalSet.AccountOf(principal) == receiverAccount;
                _findings.Add(new BucketFinding
                {
                    Control = "S3.6",
                    Severity = own ? FindingSeverity.Informational : FindingSeverity.Warning,
                    Title = own ? $"The policy grants to {principal}, in the receiver's own account." : $"The policy grants to {principal}, who is not a listed partner.",
                    Evidence = $"{statement.Label} allows {string.Join(", ", statement.Actions)}{(statement.ActionsNegated ? " (NotAction)" : string.Empty)}.",
                    Fix = own ? "Nothing, if this principal is meant to read the shares." : "Remove the grant, or audit with --partner NAME=" + principal + " if it is a partner.",
                });
            }
        }
    }

    private AccessCheck Check(string name, string? principal, string action, string resource, bool secure, string? kmsKey, bool withSse = true)
    {
        var result = Evaluate(principal, action, resource, secure, withSse ? kmsKey : null, withSse && kmsKey is not null);
        return new AccessCheck
        {
            Name = name,
            Request = $"{action} {resource}{(secure ? string.Empty : " without TLS")}{(action == "s3:PutObject" ? (withSse && kmsKey is not null ? $" SSE-KMS {kmsKey}" : " no SSE header") : string.Empty)}",
            Outcome = result.Decision switch
            {
                AccessDecision.Allow => AccessOutcome.Allowed,
                AccessDecision.ExplicitDeny => AccessOutcome.ExplicitlyDenied,
                _ => AccessOutcome.Denied,
            },
            Uncertainties = result.Uncertainties,
        };
    }

    private AccessResult Evaluate(string? principal, string action, string resource, bool secure, string? kmsKey, bool withSse = false)
    {
        var context = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [ConditionKeys.SecureTransport] = secure ? "true" : "false" };
        if (withSse)
        {
            context[ConditionKeys.ServerSideEncryption] = "aws:kms";
            context[ConditionKeys.ServerSideEncryptionKmsKeyId] = kmsKey!;
        }

        return PolicyEvaluator.Evaluate(_policy, new AccessRequest { PrincipalArn = principal, Action = action, Resource = resource, Context = context });
    }

    private static AccessCheck NotApplicable(string name, string why) => new() { Name = name, Request = why, Outcome = AccessOutcome.NotApplicable };

    private void Add(FindingSeverity severity, string title, AccessCheck check, string fix, string control = MatrixControl) => _findings.Add(new BucketFinding
    {
        Control = control,
        Severity = severity,
        Title = title,
        Evidence = $"{check.Name}: {check.Request} → {check.Outcome}.{Uncertain(check.Uncertainties)}",
        Fix = fix,
    });

    private static string Uncertain(IReadOnlyList<string> uncertainties) =>
        uncertainties.Count == 0 ? string.Empty : " Worst case assumed: " + string.Join("; ", uncertainties) + ".";

    private static string Verb(string check) => check switch
    {
        "put-other" => "may overwrite",
        "put-outside" => "may write outside the partners' prefix root",
        "get-own" => "may read back its own files",
        "get-other" => "may read",
        "list" => "may list",
        "delete-own" => "may delete its own files",
        "delete-other" => "may delete",
        _ => "may write",
    };

    private static string OutsiderVerb(string check) => check switch
    {
        "put-other" => "may write into a partner's prefix",
        "put-outside" => "may write into the bucket",
        "get-other" => "may read partners' files",
        "list" => "may list the bucket",
        _ => "may delete partners' files",
    };

    private string UnrelatedPrincipal()
    {
        var used = _options.Partners.Values.Select(PrincipalSet.AccountOf).ToHashSet();
        var account = UnrelatedAccounts.First(a => !used.Contains(a));
        return $"arn:aws:iam::{account}:role/s3s2-audit-unrelated";
    }

    private string BucketArn() => "arn:aws:s3:::" + _bucket;

    private string ObjectArn(string key) => $"arn:aws:s3:::{_bucket}/{key}";
}
