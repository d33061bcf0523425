using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using S3S2.Sharing;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Storage;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary><c>s3s2 share PATH... (--to DIR | --bucket B ...) --pgp-key FILE ...</c>.</summary>
internal static class ShareCommand
{
    private const string StdinPath = "-";

    public static Command Create(S3S2CommandLineOptions options)
    {
        var paths = new Argument<string[]>("PATH") { Description = "Files and directories to share (directories recursively), or '-' for standard input (with --name).", Arity = ArgumentArity.OneOrMore };
        var name = new Option<string?>("--name") { Description = "The relative path the receiver sees for standard input ('share - --name orders.csv'); only with '-'." };
        var to = new Option<string?>("--to") { Description = "Write to a local folder store instead of S3 (objects become files under it)." };
        var bucket = new Option<string?>("--bucket") { Description = "The receiver's S3 bucket." };
        var endpoint = new Option<string?>("--endpoint") { Description = "An S3-compatible endpoint URL (path-style, plain payloads)." };
        var region = new Option<string?>("--region") { Description = "The AWS region; default: the standard AWS chain (AWS_REGION, profile)." };
        var prefix = new Option<string?>("--prefix") { Description = "The key prefix the receiver gave you; a trailing '/' is ignored." };
        var pgpKeys = new Option<string[]>("--pgp-key") { Description = "The receiver's OpenPGP public key file (repeat for several recipients).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var pins = new Option<string[]>("--pin-fingerprint") { Description = "Refuse to share unless the recipients' fingerprints are exactly these (repeatable).", Arity = ArgumentArity.OneOrMore };
        var profile = new Option<string?>("--profile") { Description = "The profile the receiver gave you (default: $S3S2_PROFILE, else ~/.s3s2/profile.json when no --pgp-key is given). Flags override it, except its pinned fingerprints." };
        var compress = new Option<string>("--compress") { Description = "Compression before encryption.", DefaultValueFactory = _ => "zlib" };
        compress.AcceptOnlyFromAmong("none", "zlib");
        var compressLevel = new Option<int?>("--compress-level")
        {
            Description = "The zlib level: 1 (fastest, largest) to 9 (smallest, slowest); default 4. Only with zlib compression.",
            HelpName = "1-9",
            CustomParser = CompressionLevel,
        };
        compressLevel.CompletionSources.Add(Enumerable.Range(1, 9).Select(level => level.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        var kmsKeys = new Option<string[]>("--kms-key") { Description = "KMS envelope encryption under this KMS key ARN instead of OpenPGP (repeat for several keys).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var kmsEndpoint = new Option<string?>("--kms-endpoint") { Description = "A KMS-compatible endpoint URL; credentials come from the standard AWS chain." };
        var sseKmsKey = new Option<string?>("--sse-kms-key") { Description = "Also ask S3 for server-side encryption with this KMS key (SSE-KMS)." };
        var sseS3 = new Option<bool>("--sse-s3") { Description = "Also ask S3 for server-side encryption with S3-managed keys (SSE-S3)." };
        var signKey = new Option<string?>("--sign-key") { Description = "Sign the share with your own OpenPGP secret key (from 's3s2 keygen --signing'), so the receiver can tell it comes from you." };
        var passphraseEnv = new Option<string?>("--passphrase-env") { Description = "The environment variable holding the --sign-key passphrase." };

        PathCompletions.AddTo(paths, to, pgpKeys, profile, signKey);
        var command = new Command("share", "Encrypt files to the receiver's key and upload them as one share; the manifest is uploaded last.\n\nExamples:\n  s3s2 share data/ --bucket awesomeai-inbox --prefix partners/bigdatarider --pgp-key awesomeai.pub.asc --pin-fingerprint 0123...ABCD\n  s3s2 share orders.csv --to ./store --pgp-key awesomeai.pub.asc --json\n  s3s2 share exports/ --profile awesomeai.profile.json --compress-level 9\n  pg_dump mydb | s3s2 share - --name dump.sql --profile awesomeai.profile.json\n  s3s2 share data/ --profile awesomeai.profile.json --sign-key bigdatarider.sec.asc --passphrase-env SIGN_PASSPHRASE\n  s3s2 share data/ --bucket awesomeai-inbox --prefix partners/bigdatarider --kms-key arn:aws:kms:eu-west-1:111122223333:key/... --sse-kms-key arn:aws:kms:...")
        {
            paths, name, profile, to, bucket, endpoint, region, prefix, pgpKeys, pins, compress, compressLevel, kmsKeys, kmsEndpoint, sseKmsKey, sseS3, signKey, passphraseEnv, CommonOptions.Json,
        };
        command.Action = new S3S2CommandAction(options, async (result, run, cancellationToken) =>
        {
            var settings = new ShareSettings(
                result.GetRequiredValue(paths),
                result.GetValue(to),
                result.GetValue(bucket),
                result.GetValue(endpoint),
                result.GetValue(region),
                result.GetValue(prefix),
                result.GetValue(pgpKeys) ?? [],
                result.GetValue(pins) ?? [],
                result.GetValue(compress) == "none" ? OpenPgpCompression.None : OpenPgpCompression.Zlib,
                result.GetValue(kmsKeys) ?? [],
                result.GetValue(kmsEndpoint),
                result.GetValue(sseKmsKey),
                result.GetValue(sseS3),
                result.GetValue(profile),
                result.GetValue(name),
                result.GetValue(signKey),
                result.GetValue(passphraseEnv),
                result.GetValue(compressLevel));
            var json = run.Json;
            var silent = json || run.Quiet;
            var receipt = await RunAsync(settings, run, cancellationToken, run.ShareProgressView(LocalFileSizes(settings.Paths))).ConfigureAwait(false);
            if (json)
            {
                run.Out.WriteLine(JsonSerializer.Serialize(receipt, CliJsonContext.Default.ShareReceipt));
            }
            else
            {
                run.Out.WriteLine($"Shared {receipt.Files.Count} file(s) as share {receipt.ShareId}; manifest: {receipt.ManifestKey}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static async Task<ShareReceipt> RunAsync(ShareSettings settings, CommandRun run, CancellationToken cancellationToken, IShareProgressView? progress = null)
    {
        var fromStdin = settings.Paths.Contains(StdinPath);
        if (fromStdin && settings.Paths.Count > 1)
        {
            throw new UsageException("'-' (standard input) must be the only PATH: one share holds one stream from standard input. Share the files in another run.");
        }

        if (fromStdin && string.IsNullOrWhiteSpace(settings.StdinName))
        {
            throw new UsageException("'-' shares standard input, which has no file name: give the name the receiver sees with --name (for example --name orders.csv).");
        }

        if (!fromStdin && settings.StdinName is not null)
        {
            throw new UsageException("--name names standard input and is only valid with '-' as the PATH (for example: pg_dump mydb | s3s2 share - --name dump.sql ...). Files keep their own names.");
        }

        if (fromStdin && !Console.IsInputRedirected)
        {
            throw new UsageException("'-' reads standard input, but it is a terminal. Pipe the data in (for example: pg_dump mydb | s3s2 share - --name dump.sql ...).");
        }

        var kmsKeys = settings.KmsKeys ?? [];
        var profilePath = settings.Profile ?? (settings.PgpKeys.Count == 0 && kmsKeys.Count == 0 ? DefaultProfile() : null);
        var profile = profilePath is null ? null : ShareProfileSerializer.Read(profilePath);
        var bucket = settings.Bucket ?? (settings.To is null ? profile?.Bucket : null);
        if ((settings.To is null) == (bucket is null))
        {
            throw new UsageException("Give exactly one target: --to DIR (local folder store) or --bucket BUCKET (S3), or a --profile that names a bucket.");
        }

        var profileKms = profile?.Encryption.Mode == ShareProfileEncryption.KmsEnvelopeMode;
        var useKms = kmsKeys.Count > 0 || (settings.PgpKeys.Count == 0 && profileKms);
        if (settings.PgpKeys.Count > 0 && kmsKeys.Count > 0)
        {
            throw new UsageException("Give one kind of encryption key: the receiver's OpenPGP public key (--pgp-key FILE) or KMS key ARN(s) (--kms-key ARN), not both.");
        }

        if (settings.PgpKeys.Count == 0 && kmsKeys.Count == 0 && profile is null)
        {
            throw new UsageException("No encryption key: give the receiver's public key (--pgp-key FILE), KMS key ARN(s) (--kms-key ARN), or the receiver's --profile.");
        }

        if (profile is not null && useKms != profileKms)
        {
            throw new UsageException($"The profile prescribes '{profile.Encryption.Mode}' encryption; keys of the other kind cannot replace it. Remove --pgp-key/--kms-key or ask the receiver for another profile.");
        }

        if (useKms && settings.PinnedFingerprints.Count > 0)
        {
            throw new UsageException("--pin-fingerprint pins OpenPGP keys; with KMS keys the key ARNs themselves are what the policy checks. Remove --pin-fingerprint.");
        }

        if (settings.To is null && settings.Prefix is null && profile is null)
        {
            throw new UsageException("Give --prefix, the prefix the receiver gave you (for example partners/acme); to write at the top of the bucket on purpose, give --prefix /.");
        }

        if (settings.SignPassphraseVariable is not null && settings.SignKey is null)
        {
            throw new UsageException("--passphrase-env protects the --sign-key; give --sign-key FILE too, or remove --passphrase-env.");
        }

        if (settings.CompressionLevel is { } level && (useKms || settings.Compression == OpenPgpCompression.None))
        {
            throw new UsageException(useKms
                ? $"--compress-level {level} sets OpenPGP's zlib level, but KMS envelope messages are not compressed. Remove --compress-level."
                : $"--compress-level {level} sets the zlib level, but --compress none turns compression off. Remove --compress-level, or use --compress zlib.");
        }

        if (settings.SseKmsKey is not null && settings.SseS3)
        {
            throw new UsageException("Give at most one server-side encryption: --sse-kms-key ARN or --sse-s3.");
        }

        if (settings.To is not null && (settings.SseKmsKey is not null || settings.SseS3))
        {
            // Not ignored: a dry run to a folder would otherwise seem to have tested the server-side encryption.
            throw new UsageException($"{(settings.SseS3 ? "--sse-s3" : "--sse-kms-key")} asks S3 for server-side encryption, but --to writes to a local folder. Remove it, or share to --bucket.");
        }

        // The recipient keys are read and checked on the second core while the container is built; the client's own
        // load below uses what was read and reports any problem as it would without this.
        var pgpKeySources = settings.PgpKeys.Select(OpenPgpKeySource.FromFile).ToList();
        foreach (var source in pgpKeySources)
        {
            source.Preload(cancellationToken);
        }

        // Likewise the KMS client (the SDK's code, the credential chain, GenerateDataKey's request and response code),
        // without any KMS request: the share's one GenerateDataKey call then starts on a warm client.
        var kmsKeyIds = useKms ? (kmsKeys.Count > 0 ? kmsKeys : profile!.Encryption.KmsKeyIds.ToList()) : [];
        if (useKms)
        {
            var preload = new KmsEnvelopeEncryptionOptions { ServiceUrl = settings.KmsEndpoint };
            foreach (var key in kmsKeyIds)
            {
                preload.KeyIds.Add(key);
            }

            preload.Preload(cancellationToken);
        }

        var services = new ServiceCollection();
        run.AddHostServices(services, LogLevel.Warning);

        // A share's start, end and failure are reported by this command itself (result line or the one error line); the
        // library's lifecycle log would say the same thing twice, so it shows only with --verbose.
        services.AddLogging(logging => logging.AddFilter("S3S2.Sharing.Sharing.ShareSession", run.Verbose ? LogLevel.Debug : LogLevel.None));
        var builder = services.AddS3S2Sharing(o =>
        {
            o.Bucket = bucket;
            o.Prefix = settings.Prefix ?? profile?.Prefix ?? string.Empty;

            // Checked above: the prefix was given (a flag or the receiver's profile), or a local folder is the target.
            o.AllowBucketRoot = true;
            var sse = o.ServerSideEncryption;
            if (profile?.ServerSideEncryption is { } fromProfile)
            {
                sse.Method = fromProfile.Method;
                sse.KmsKeyId = fromProfile.KmsKeyId;
                sse.Required = fromProfile.Required;
                foreach (var key in fromProfile.AllowedKmsKeyIds)
                {
                    // The receiver's requirement holds whatever the flags say: a flag naming another key is refused.
                    sse.AllowedKmsKeyIds.Add(key);
                }
            }

            if (settings.SseKmsKey is not null)
            {
                sse.Method = ServerSideEncryptionMethod.Kms;
                sse.KmsKeyId = settings.SseKmsKey;
            }
            else if (settings.SseS3)
            {
                sse.Method = ServerSideEncryptionMethod.S3Managed;
                sse.KmsKeyId = null;
            }
        });
        if (useKms)
        {
            // A profile's KMS keys are what the receiver allows; flags cannot add others.
            builder.AddKmsEnvelopeEncryption(o =>
            {
                foreach (var key in kmsKeyIds)
                {
                    o.KeyIds.Add(key);
                }

                o.ServiceUrl = settings.KmsEndpoint;
            });
            if (profile is not null && !kmsKeys.ToHashSet(StringComparer.Ordinal).IsSubsetOf(profile.Encryption.KmsKeyIds))
            {
                throw new S3S2.Sharing.Policy.SharePolicyException($"The KMS keys [{string.Join(", ", kmsKeys)}] are not the profile's keys [{string.Join(", ", profile.Encryption.KmsKeyIds)}]. Nothing was shared.");
            }
        }
        else
        {
            builder.AddOpenPgpEncryption(o =>
            {
                // The profile's pins always apply: keys given on the command line must be the pinned ones.
                var keys = pgpKeySources.Count > 0
                    ? pgpKeySources
                    : profile!.Encryption.OpenPgpKeys.Select(k => OpenPgpKeySource.FromArmoredString(k.PublicKey));
                foreach (var key in keys)
                {
                    o.RecipientKeys.Add(key);
                }

                foreach (var pin in settings.PinnedFingerprints.Concat(profile?.Encryption.OpenPgpKeys.Select(k => k.Fingerprint) ?? []))
                {
                    o.PinnedFingerprints.Add(pin);
                }

                o.Compression = settings.Compression;
                o.CompressionLevel = settings.CompressionLevel ?? o.CompressionLevel;
            });
        }

        if (settings.SignKey is not null)
        {
            // Read now, so a missing variable is reported before anything is uploaded; the value is never printed.
            var passphrase = settings.SignPassphraseVariable is null ? null : Passphrase.FromEnvironment(settings.SignPassphraseVariable);
            builder.AddShareSigning(o =>
            {
                o.SigningKey = OpenPgpKeySource.FromFile(settings.SignKey);
                o.Passphrase = passphrase is null ? null : () => passphrase;
                o.PinnedFingerprint = profile?.SigningKeyFingerprint;
            });
        }

        if (profile?.SigningKeyFingerprint is { } signer && settings.SignKey is null)
        {
            throw new UsageException($"The profile requires shares signed with your key {signer}. Give it with --sign-key FILE (and --passphrase-env VAR when it is protected).");
        }

        if (settings.To is not null)
        {
            builder.AddLocalFolderStore(settings.To);
        }
        else
        {
            builder.AddS3Store(o =>
            {
                o.Region = settings.Region ?? profile?.Region;
                o.ServiceUrl = settings.Endpoint ?? profile?.ServiceUrl;

                // Cross-account partners: the profile's role signs the uploads, assumed with the partner's own credentials.
                o.RoleArn = profile?.AssumeRole?.RoleArn;
                o.RoleExternalId = profile?.AssumeRole?.ExternalId;
                o.RoleSessionName = profile?.AssumeRole?.SessionName;
            });
        }

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        await using var disposeProvider = provider.ConfigureAwait(false);
        var client = provider.GetRequiredService<IShareClient>();
        if (!fromStdin)
        {
            return progress is null
                ? await client.ShareAsync(settings.Paths, null, cancellationToken).ConfigureAwait(false)
                : await progress.RunAsync(p => client.ShareAsync(settings.Paths, p, cancellationToken)).ConfigureAwait(false);
        }

        var stdin = Console.OpenStandardInput();
        await using (stdin.ConfigureAwait(false))
        {
            try
            {
                return progress is null
                    ? await client.ShareStreamAsync(stdin, settings.StdinName!, null, cancellationToken).ConfigureAwait(false)
                    : await progress.RunAsync(p => client.ShareStreamAsync(stdin, settings.StdinName!, p, cancellationToken)).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                // The only argument a stream share checks is its name: say which option to change.
                throw new UsageException($"--name '{settings.StdinName}' cannot be used: {ex.Message.Replace("Rename the file.", "Give another --name.", StringComparison.Ordinal)}");
            }
        }
    }

    /// <summary>
    /// The sizes of the files a share of <paramref name="paths"/> reads, by the relative path the share reports (a
    /// file by its name, a directory's files relative to it), looked up when the progress display first needs them.
    /// </summary>
    private static Func<string, long?> LocalFileSizes(IReadOnlyList<string> paths)
    {
        var sizes = new Lazy<Dictionary<string, long>>(() =>
        {
            var map = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var path in paths.Where(p => p != StdinPath))
            {
                if (File.Exists(path))
                {
                    map[Path.GetFileName(path)] = new FileInfo(path).Length;
                }
                else if (Directory.Exists(path))
                {
                    foreach (var file in new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories))
                    {
                        map[Path.GetRelativePath(path, file.FullName).Replace(Path.DirectorySeparatorChar, '/')] = file.Length;
                    }
                }
            }

            return map;
        });
        return relative => sizes.Value.TryGetValue(relative, out var size) ? size : null;
    }

    /// <summary>A whole number 1–9, else a parse error naming the range, so the usage line says what to type.</summary>
    private static int? CompressionLevel(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var level) && level is >= 1 and <= 9)
        {
            return level;
        }

        result.AddError($"--compress-level '{text}' is not a zlib level: give 1 (fastest, largest) to 9 (smallest, slowest); {OpenPgpEncryptionOptions.DefaultCompressionLevel} is the default.");
        return null;
    }

    /// <summary>$S3S2_PROFILE, else ~/.s3s2/profile.json when it exists.</summary>
    private static string? DefaultProfile()
    {
        if (Environment.GetEnvironmentVariable("S3S2_PROFILE") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".s3s2", "profile.json");
        return File.Exists(home) ? home : null;
    }
}
