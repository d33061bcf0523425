using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace S3S2.Sharing.Audit.Generation;

/// <summary>
/// Writes the bucket policy, lifecycle configuration, partner IAM policies and KMS key-policy statements for a partner
/// drop bucket: each partner may only PutObject and AbortMultipartUpload under <c>&lt;root&gt;/&lt;name&gt;/</c>, nothing
/// to read, list or delete; every request without TLS is denied; with a key, every PUT without SSE-KMS or naming
/// another key is denied. The audit's access matrix run on the policy shows no finding.
/// </summary>
public static class BucketPolicyGenerator
{
    private const string PolicyVersion = "2012-10-17";
    private static readonly string[] UploadActions = ["s3:PutObject", "s3:AbortMultipartUpload"];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes the documents.</summary>
    /// <param name="options">The bucket, partners, keys and expiry.</param>
    /// <returns>The JSON documents.</returns>
    /// <exception cref="OptionsValidationException">The options are invalid; every problem is listed.</exception>
    public static GeneratedBucketConfiguration Generate(BucketPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new BucketPolicyOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(BucketPolicyOptions), validation.Failures);
        }

        var bucket = options.Bucket!;
        var root = PartnerSettings.Root(options.PrefixRoot);
        var bucketArn = "arn:aws:s3:::" + bucket;
        // Statements are gathered as nodes and then made an array: JsonArray.Add<T> (what adding a JsonObject to a
        // JsonArray binds to) serializes through reflection, which trimming and native AOT do not support.
        var statements = new List<JsonNode>
        {
            Statement("DenyRequestsWithoutTls", "Deny", "*", "Action", "s3:*", "Resource", new JsonArray(bucketArn, bucketArn + "/*"),
                new JsonObject { ["Bool"] = new JsonObject { ["aws:SecureTransport"] = "false" } }),
        };
        var partnerPolicies = new Dictionary<string, string>(StringComparer.Ordinal);
        var receiverKeyStatements = new Dictionary<string, string>(StringComparer.Ordinal);
        var partnerKeyStatements = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var (name, principal) in options.Partners)
        {
            var sid = $"Partner{++index}{new string(name.Where(char.IsAsciiLetterOrDigit).ToArray())}";
            var prefixArn = $"{bucketArn}/{root}/{name}/*";
            var aws = new JsonObject { ["AWS"] = principal };
            statements.Add(Statement(sid + "Upload", "Allow", aws, "Action", Array(UploadActions), "Resource", prefixArn));

            // Explicit denies keep a partner write-only even if an identity policy in the bucket's own account grants more.
            statements.Add(Statement(sid + "DenyOutsideOwnPrefix", "Deny", aws.DeepClone(), "Action", "s3:*", "NotResource", prefixArn));
            statements.Add(Statement(sid + "DenyOtherActions", "Deny", aws.DeepClone(), "NotAction", Array(UploadActions), "Resource", new JsonArray(bucketArn, bucketArn + "/*")));
            var key = PartnerSettings.KeyFor(name, options.RequiredKmsKeyArn, options.PartnerKmsKeys);
            if (key is not null)
            {
                statements.Add(Statement(sid + "DenyWithoutSseKms", "Deny", aws.DeepClone(), "Action", "s3:PutObject", "Resource", prefixArn,
                    new JsonObject { ["StringNotEquals"] = new JsonObject { ["s3:x-amz-server-side-encryption"] = "aws:kms" } }));
                statements.Add(Statement(sid + "DenyOtherKmsKey", "Deny", aws.DeepClone(), "Action", "s3:PutObject", "Resource", prefixArn,
                    new JsonObject { ["StringNotEquals"] = new JsonObject { ["s3:x-amz-server-side-encryption-aws-kms-key-id"] = key } }));
            }

            partnerPolicies[name] = PartnerPolicy(sid, prefixArn, key);
            if (options.PartnerKmsKeys.ContainsKey(name))
            {
                var receiver = options.ReceiverAccountId ?? options.RequiredKmsKeyArn!.Split(':')[4];
                partnerKeyStatements[name] = Write(KeyStatement("AllowS3S2ReceiverToDecrypt", $"arn:aws:iam::{receiver}:root", ["kms:Decrypt", "kms:DescribeKey"]));
            }
            else if (key is not null)
            {
                receiverKeyStatements[name] = Write(KeyStatement(sid + "UseKeyForSseKms", principal, ["kms:GenerateDataKey", "kms:Decrypt"]));
            }
        }

        return new GeneratedBucketConfiguration
        {
            BucketPolicy = Write(new JsonObject { ["Version"] = PolicyVersion, ["Statement"] = new JsonArray([.. statements]) }),
            LifecycleConfiguration = Write(Lifecycle(root, options.ExpireDays)),
            PartnerPolicies = partnerPolicies,
            ReceiverKeyPolicyStatements = receiverKeyStatements,
            PartnerKeyPolicyStatements = partnerKeyStatements,
            NotificationConfiguration = options.NotificationQueueArn is { } queue ? Write(Notifications(root, queue)) : null,
            QueuePolicy = options.NotificationQueueArn is { } arn
                ? Write(QueuePolicy(arn, bucketArn, options.ReceiverAccountId ?? BucketPolicyOptionsValidator.QueueArnAccount(arn)!))
                : null,
        };
    }

    /// <summary>One queue configuration per manifest suffix senders write (S3 allows one suffix per rule), under the root only.</summary>
    private static JsonObject Notifications(string root, string queueArn) => new()
    {
        ["QueueConfigurations"] = new JsonArray(
            [.. new[] { ("s3s2-openpgp-manifests", Receiving.ReceiveClient.ManifestName + Encryption.OpenPgp.OpenPgpEncryptor.ObjectKeySuffix), ("s3s2-kms-envelope-manifests", Receiving.ReceiveClient.ManifestName + Encryption.Kms.KmsEnvelopeEncryptor.ObjectKeySuffix) }
                .Select(rule => (JsonNode)new JsonObject
                {
                    ["Id"] = rule.Item1,
                    ["QueueArn"] = queueArn,
                    ["Events"] = new JsonArray("s3:ObjectCreated:*"),
                    ["Filter"] = new JsonObject
                    {
                        ["Key"] = new JsonObject
                        {
                            ["FilterRules"] = new JsonArray(
                                new JsonObject { ["Name"] = "prefix", ["Value"] = root + "/" },
                                new JsonObject { ["Name"] = "suffix", ["Value"] = rule.Item2 }),
                        },
                    },
                })]),
    };

    /// <summary>The queue policy: S3 may send, and only for this bucket in the receiver's account (no confused deputy).</summary>
    private static JsonObject QueuePolicy(string queueArn, string bucketArn, string account) => new()
    {
        ["Version"] = PolicyVersion,
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Sid"] = "AllowS3S2BucketNotifications",
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = "s3.amazonaws.com" },
            ["Action"] = "sqs:SendMessage",
            ["Resource"] = queueArn,
            ["Condition"] = new JsonObject
            {
                ["ArnEquals"] = new JsonObject { ["aws:SourceArn"] = bucketArn },
                ["StringEquals"] = new JsonObject { ["aws:SourceAccount"] = account },
            },
        }),
    };

    private static JsonObject Lifecycle(string root, int days) => new()
    {
        ["Rules"] = new JsonArray(new JsonObject
        {
            ["ID"] = "s3s2-expire-shares",
            ["Status"] = "Enabled",
            ["Filter"] = new JsonObject { ["Prefix"] = root + "/" },
            ["Expiration"] = new JsonObject { ["Days"] = days },
            ["NoncurrentVersionExpiration"] = new JsonObject { ["NoncurrentDays"] = days },
            ["AbortIncompleteMultipartUpload"] = new JsonObject { ["DaysAfterInitiation"] = 1 },
        }),
    };

    /// <summary>The identity policy in the partner's account: write to its prefix, and use the key SSE-KMS needs (multipart uploads need Decrypt too).</summary>
    private static string PartnerPolicy(string sid, string prefixArn, string? key)
    {
        var statements = new List<JsonNode> { new JsonObject { ["Sid"] = sid + "Upload", ["Effect"] = "Allow", ["Action"] = Array(UploadActions), ["Resource"] = prefixArn } };
        if (key is not null)
        {
            statements.Add(new JsonObject { ["Sid"] = sid + "SseKms", ["Effect"] = "Allow", ["Action"] = new JsonArray("kms:GenerateDataKey", "kms:Decrypt"), ["Resource"] = key });
        }

        return Write(new JsonObject { ["Version"] = PolicyVersion, ["Statement"] = new JsonArray([.. statements]) });
    }

    /// <summary>A key-policy statement limited to use through S3, so the grant is no general KMS access.</summary>
    private static JsonObject KeyStatement(string sid, string principal, string[] actions) => new()
    {
        ["Sid"] = sid,
        ["Effect"] = "Allow",
        ["Principal"] = new JsonObject { ["AWS"] = principal },
        ["Action"] = Array(actions),
        ["Resource"] = "*",
        ["Condition"] = new JsonObject { ["StringLike"] = new JsonObject { ["kms:ViaService"] = "s3.*.amazonaws.com" } },
    };

    private static JsonObject Statement(string sid, string effect, JsonNode principal, string actionElement, JsonNode action, string resourceElement, JsonNode resource, JsonObject? condition = null)
    {
        var statement = new JsonObject
        {
            ["Sid"] = sid,
            ["Effect"] = effect,
            ["Principal"] = principal,
            [actionElement] = action,
            [resourceElement] = resource,
        };
        if (condition is not null)
        {
            statement["Condition"] = condition;
        }

        return statement;
    }

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static string Write(JsonNode node) => node.ToJsonString(Indented);
}
