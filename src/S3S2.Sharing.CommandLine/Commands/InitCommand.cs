using System.CommandLine;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary><c>s3s2 init</c>: the receiver writes the profile a partner needs to share with one command.</summary>
internal static class InitCommand
{
    public static Command Create(S3S2CommandLineOptions options)
    {
        var bucket = new Option<string>("--bucket") { Description = "Your bucket, where the partner writes.", Required = true };
        var prefix = new Option<string?>("--prefix") { Description = "The prefix this partner writes under, for example partners/bigdatarider." };
        var partner = new Option<string?>("--partner") { Description = "The partner's name as in 's3s2 policy --partner NAME=ARN': the prefix becomes <root>/NAME, matching the bucket policy." };
        var prefixRoot = new Option<string>("--prefix-root") { Description = "With --partner: the prefix root of the bucket policy.", DefaultValueFactory = _ => S3S2.Sharing.Audit.BucketAuditOptions.DefaultPrefixRoot };
        var region = new Option<string?>("--region") { Description = "The bucket's AWS region." };
        var endpoint = new Option<string?>("--endpoint") { Description = "An S3-compatible endpoint URL, if not Amazon S3." };
        var pgpKeys = new Option<string[]>("--pgp-key") { Description = "Your OpenPGP public key file (repeatable); embedded and pinned by fingerprint.", Arity = ArgumentArity.OneOrMore };
        var kmsKeys = new Option<string[]>("--kms-key") { Description = "KMS envelope mode instead of OpenPGP: your KMS key ARN (repeatable).", Arity = ArgumentArity.OneOrMore };
        var sseKmsKey = new Option<string?>("--sse-kms-key") { Description = "Require SSE-KMS with this KMS key ARN on every upload." };
        var expireDays = new Option<int?>("--expire-days") { Description = "The profile may be used for this many days." }.Within(1);
        var receiver = new Option<string?>("--receiver") { Description = "Your name as partners see it; default: the bucket name." };
        var output = new Option<string>("--out") { Description = "The profile file to write (never overwritten).", Required = true };
        var roleArn = new Option<string?>("--role-arn") { Description = "An IAM role in your account the partner assumes to upload (cross-account partners): arn:aws:iam::ACCOUNT:role/NAME. Written as the profile's assumeRole." };
        var roleExternalId = new Option<string?>("--role-external-id") { Description = "With --role-arn: the external id the role's trust policy requires (sts:ExternalId)." };
        var roleSessionName = new Option<string?>("--role-session-name") { Description = "With --role-arn: the session name you see in CloudTrail; default: s3s2-share." };
        var partnerSigningKey = new Option<string?>("--partner-signing-key") { Description = "The fingerprint of the partner's signing key ('s3s2 keygen --signing'): every share made with the profile must be signed with exactly that key." };
        PathCompletions.AddTo(pgpKeys, output);
        var command = new Command("init", "Write a share profile for a partner: bucket, prefix, your public key pinned by fingerprint.\n\nExample:\n  s3s2 init --bucket awesomeai-inbox --prefix partners/bigdatarider --region eu-west-1 --pgp-key keys/awesomeai.pub.asc --expire-days 365 --out bigdatarider.profile.json")
        {
            bucket, prefix, partner, prefixRoot, region, endpoint, pgpKeys, kmsKeys, sseKmsKey, expireDays, receiver, output, partnerSigningKey, roleArn, roleExternalId, roleSessionName,
        };
        command.Action = S3S2CommandAction.Synchronous(options, (result, run) =>
        {
            var keys = result.GetValue(pgpKeys) ?? [];
            var kms = result.GetValue(kmsKeys) ?? [];
            if ((keys.Length == 0) == (kms.Length == 0))
            {
                throw new UsageException("Give one kind of key: your OpenPGP public key (--pgp-key FILE) or your KMS key ARN(s) (--kms-key ARN).");
            }

            var path = result.GetRequiredValue(output);
            var partnerPrefix = result.GetValue(partner) is { } name ? $"{result.GetRequiredValue(prefixRoot).Trim('/')}/{name}" : null;
            if (partnerPrefix is not null && result.GetValue(prefix) is not null)
            {
                throw new UsageException("Give --partner NAME (prefix <root>/NAME, as the bucket policy has it) or --prefix P, not both.");
            }

            // As 'share' refuses a missing prefix: a profile without one would send the partner's shares to the top of
            // the bucket, beside every other partner's, without anyone having chosen that.
            if (partnerPrefix is null && result.GetValue(prefix) is null)
            {
                throw new UsageException("Give --prefix P (for example partners/bigdatarider) or --partner NAME: where the partner writes. To let the partner write at the top of the bucket on purpose, give --prefix /.");
            }

            var profile = Build(result.GetRequiredValue(bucket), partnerPrefix ?? result.GetValue(prefix), result.GetValue(region), result.GetValue(endpoint), keys, result.GetValue(sseKmsKey), result.GetValue(expireDays), result.GetValue(receiver));
            if (kms.Length > 0)
            {
                profile.Encryption = new ShareProfileEncryption { Mode = ShareProfileEncryption.KmsEnvelopeMode, KmsKeyIds = kms.ToList() };
            }

            profile.SigningKeyFingerprint = result.GetValue(partnerSigningKey);
            profile.AssumeRole = Role(result.GetValue(roleArn), result.GetValue(roleExternalId), result.GetValue(roleSessionName));
            Write(profile, path);
            run.Out.WriteLine($"Profile written: {path}");
            foreach (var key in profile.Encryption.OpenPgpKeys)
            {
                run.Out.WriteLine($"  pinned key {key.Fingerprint}");
            }

            foreach (var key in profile.Encryption.KmsKeyIds)
            {
                run.Out.WriteLine($"  KMS key {key}");
            }

            if (profile.SigningKeyFingerprint is { } signer)
            {
                run.Out.WriteLine($"  partner signs with {signer}");
            }

            if (profile.AssumeRole is { } role)
            {
                // The external id is a shared secret of sorts: the receiver knows it, the output need not show it.
                run.Out.WriteLine($"  partner assumes role {role.RoleArn}{(role.ExternalId is null ? string.Empty : " (with external id)")}");
            }

            run.Out.WriteLine("Hand it to the partner; they run: s3s2 share DATA --profile " + Path.GetFileName(path));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static ShareProfile Build(string bucket, string? prefix, string? region, string? endpoint, IEnumerable<string> publicKeyFiles, string? sseKmsKey, int? expireDays, string? receiver) => new()
    {
        Receiver = receiver ?? bucket,
        Bucket = bucket,
        Prefix = (prefix ?? string.Empty).Trim('/'),
        Region = region,
        ServiceUrl = endpoint,
        Encryption = new ShareProfileEncryption
        {
            Mode = ShareProfileEncryption.OpenPgpMode,
            OpenPgpKeys = publicKeyFiles.SelectMany(file => ShareProfileKey.FromPublicKeys(OpenPgpKeySource.FromFile(file))).ToList(),
        },
        ServerSideEncryption = sseKmsKey is null ? null : new ServerSideEncryptionOptions { Method = ServerSideEncryptionMethod.Kms, KmsKeyId = sseKmsKey, Required = true },
        CreatedUtc = DateTimeOffset.UtcNow,
        ExpireDays = expireDays,
    };

    /// <summary>The profile's role from the flags; the role's details without a role are a usage error, not ignored.</summary>
    public static ShareProfileRole? Role(string? roleArn, string? externalId, string? sessionName)
    {
        if (roleArn is null)
        {
            return externalId is null && sessionName is null
                ? null
                : throw new UsageException("--role-external-id and --role-session-name go with --role-arn ARN, the role the partner assumes. Give --role-arn too, or remove them.");
        }

        return new ShareProfileRole { RoleArn = roleArn, ExternalId = externalId, SessionName = sessionName };
    }

    /// <summary>Writes the profile after checking that it reads back (so a partner never gets one that fails).</summary>
    public static void Write(ShareProfile profile, string path)
    {
        using (var check = new MemoryStream())
        {
            ShareProfileSerializer.Write(profile, check);
            check.Position = 0;
            ShareProfileSerializer.Read(check);
        }

        if (File.Exists(path))
        {
            throw new UsageException($"'{path}' already exists. Choose another --out; profiles are never overwritten.");
        }

        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        ShareProfileSerializer.Write(profile, file);
    }
}
