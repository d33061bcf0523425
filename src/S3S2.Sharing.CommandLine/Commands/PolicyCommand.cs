using System.CommandLine;
using S3S2.Sharing.Audit;
using S3S2.Sharing.Audit.Generation;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary><c>s3s2 policy --bucket B --partner NAME=ARN [...] [--sse-kms-key ARN] [--partner-kms-key NAME=ARN ...] [--expire-days N] [--lifecycle-out FILE] [--partner-policies-out DIR]</c>.</summary>
internal static class PolicyCommand
{
    public static Command Create(S3S2CommandLineOptions options)
    {
        var bucket = new Option<string>("--bucket") { Description = "Your bucket, where partners write.", Required = true };
        var partners = new Option<string[]>("--partner") { Description = "A partner and its AWS principal, NAME=ARN (repeatable); it may write only under <root>/NAME/.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false, Required = true };
        var root = new Option<string>("--prefix-root") { Description = "The prefix under which each partner has NAME/.", DefaultValueFactory = _ => BucketAuditOptions.DefaultPrefixRoot };
        var sseKey = new Option<string?>("--sse-kms-key") { Description = "Require SSE-KMS with this KMS key ARN on every upload." };
        var partnerKeys = new Option<string[]>("--partner-kms-key") { Description = "A partner that brings its own KMS key, NAME=KEY_ARN (repeatable): its uploads must name that key.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var expireDays = new Option<int>("--expire-days") { Description = "Expire shared objects under the root after this many days.", DefaultValueFactory = _ => 30 };
        var receiverAccount = new Option<string?>("--receiver-account") { Description = "Your AWS account id, for the key-policy statement partners with their own key must add; default: the account of --sse-kms-key." };
        var lifecycleOut = new Option<string?>("--lifecycle-out") { Description = "Write the lifecycle configuration to this file (never overwritten)." };
        var partnerOut = new Option<string?>("--partner-policies-out") { Description = "Write each partner's IAM policy and the KMS key-policy statements to this folder." };
        var queueArn = new Option<string?>("--queue-arn") { Description = "The SQS queue the share queue workers (s3s2 worker) read: also write the bucket's notification configuration for new manifests and the queue policy letting the bucket send." };
        var notificationOut = new Option<string?>("--notification-out") { Description = "With --queue-arn: write the bucket notification configuration to this file (never overwritten); default: printed on stderr." };
        var queuePolicyOut = new Option<string?>("--queue-policy-out") { Description = "With --queue-arn: write the queue policy to this file (never overwritten); default: printed on stderr." };
        var command = new Command("policy", "Print the bucket policy that makes each partner write-only to its own prefix (TLS only; SSE-KMS with the given key), and write the lifecycle and partner policies. Apply with: aws s3api put-bucket-policy --bucket B --policy file://policy.json\n\nExample:\n  s3s2 policy --bucket awesomeai-inbox --partner BigDataRider=arn:aws:iam::111122223333:role/BigDataRider --sse-kms-key arn:aws:kms:eu-west-1:123456789012:key/ID --lifecycle-out lifecycle.json > policy.json")
        {
            bucket, partners, root, sseKey, partnerKeys, expireDays, receiverAccount, lifecycleOut, partnerOut, queueArn, notificationOut, queuePolicyOut,
        };
        command.Action = S3S2CommandAction.Synchronous(options, (result, run) =>
        {
            var options = new BucketPolicyOptions
            {
                Bucket = result.GetRequiredValue(bucket),
                PrefixRoot = result.GetRequiredValue(root),
                ExpireDays = result.GetValue(expireDays),
                ReceiverAccountId = result.GetValue(receiverAccount),
                NotificationQueueArn = result.GetValue(queueArn),
            };
            if (result.GetValue(sseKey) is { } sseKmsKey)
            {
                options.ServerSideEncryption.Method = ServerSideEncryptionMethod.Kms;
                options.ServerSideEncryption.KmsKeyId = sseKmsKey;
            }

            if (options.NotificationQueueArn is null && (result.GetValue(notificationOut) ?? result.GetValue(queuePolicyOut)) is not null)
            {
                throw new UsageException("--notification-out and --queue-policy-out need --queue-arn ARN: the queue the notifications go to.");
            }

            foreach (var (name, arn) in PartnerArguments.Parse(result.GetValue(partners), "--partner"))
            {
                options.Partners[name] = arn;
            }

            foreach (var (name, key) in PartnerArguments.Parse(result.GetValue(partnerKeys), "--partner-kms-key"))
            {
                options.PartnerKmsKeys[name] = key;
            }

            var generated = BucketPolicyGenerator.Generate(options);
            var files = new List<(string Path, string Json)>();
            if (result.GetValue(lifecycleOut) is { } lifecyclePath)
            {
                files.Add((lifecyclePath, generated.LifecycleConfiguration));
            }

            if (result.GetValue(partnerOut) is { } folder)
            {
                files.AddRange(generated.PartnerPolicies.Select(p => (Path.Combine(folder, $"{p.Key}.iam-policy.json"), p.Value)));
                files.AddRange(generated.ReceiverKeyPolicyStatements.Select(p => (Path.Combine(folder, $"{p.Key}.receiver-key-policy-statement.json"), p.Value)));
                files.AddRange(generated.PartnerKeyPolicyStatements.Select(p => (Path.Combine(folder, $"{p.Key}.partner-key-policy-statement.json"), p.Value)));
            }

            var printed = new List<(string What, string Json)>();
            foreach (var (path, json, what) in new[]
            {
                (result.GetValue(notificationOut), generated.NotificationConfiguration, "bucket notification configuration (aws s3api put-bucket-notification-configuration --notification-configuration file://...)"),
                (result.GetValue(queuePolicyOut), generated.QueuePolicy, "queue policy (aws sqs set-queue-attributes --attributes Policy=...)"),
            })
            {
                if (json is not null && path is not null)
                {
                    files.Add((path, json));
                }
                else if (json is not null)
                {
                    printed.Add((what, json));
                }
            }

            // Refuse before writing anything, so a refused run leaves no partial set of files.
            if (files.FirstOrDefault(f => File.Exists(f.Path)) is { Path: { } existing })
            {
                throw new UsageException($"'{existing}' already exists. Choose another output; policy files are never overwritten.");
            }

            if (result.GetValue(partnerOut) is { } create)
            {
                Directory.CreateDirectory(create);
            }

            foreach (var (path, json) in files)
            {
                File.WriteAllText(path, json + Environment.NewLine);
                run.ErrorLine($"wrote {path}");
            }

            foreach (var (name, statement) in generated.PartnerKeyPolicyStatements)
            {
                run.ErrorLine($"partner '{name}' must add this statement to its KMS key policy ({options.PartnerKmsKeys[name]}) so you can decrypt:{Environment.NewLine}{statement}");
            }

            foreach (var (what, json) in printed)
            {
                run.ErrorLine($"{what}:{Environment.NewLine}{json}");
            }

            run.Out.WriteLine(generated.BucketPolicy);
            return ExitCodes.Ok;
        });
        return command;
    }
}
