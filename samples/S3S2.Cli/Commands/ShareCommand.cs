using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using S3S2.Sharing;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Cli.Commands;

/// <summary><c>s3s2 share PATH... (--to DIR | --bucket B ...) --pgp-key FILE ...</c>.</summary>
internal static class ShareCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "Files and directories to share (directories recursively).", Arity = ArgumentArity.OneOrMore };
        var to = new Option<string?>("--to") { Description = "Write to a local folder store instead of S3 (objects become files under it)." };
        var bucket = new Option<string?>("--bucket") { Description = "The receiver's S3 bucket." };
        var endpoint = new Option<string?>("--endpoint") { Description = "An S3-compatible endpoint URL (path-style, plain payloads)." };
        var region = new Option<string?>("--region") { Description = "The AWS region; default: the standard AWS chain (AWS_REGION, profile)." };
        var prefix = new Option<string?>("--prefix") { Description = "The key prefix the receiver gave you; a trailing '/' is ignored." };
        var pgpKeys = new Option<string[]>("--pgp-key") { Description = "The receiver's OpenPGP public key file (repeat for several recipients).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var pins = new Option<string[]>("--pin-fingerprint") { Description = "Refuse to share unless the recipients' fingerprints are exactly these (repeatable).", Arity = ArgumentArity.OneOrMore };
        var compress = new Option<string>("--compress") { Description = "Compression before encryption.", DefaultValueFactory = _ => "zlib" };
        compress.AcceptOnlyFromAmong("none", "zlib");

        var command = new Command("share", "Encrypt files to the receiver's key and upload them as one share; the manifest is uploaded last.\n\nExamples:\n  s3s2 share data/ --bucket awesomeai-inbox --prefix partners/bigdatarider --pgp-key awesomeai.pub.asc --pin-fingerprint 0123...ABCD\n  s3s2 share orders.csv --to ./store --pgp-key awesomeai.pub.asc --json")
        {
            paths, to, bucket, endpoint, region, prefix, pgpKeys, pins, compress, CommonOptions.Json,
        };
        command.SetAction(async (result, cancellationToken) =>
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
                result.GetValue(compress) == "none" ? OpenPgpCompression.None : OpenPgpCompression.Zlib);
            var receipt = await RunAsync(settings, result.GetValue(CommonOptions.Verbose), cancellationToken);
            if (result.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(receipt, CliJsonContext.Default.ShareReceipt));
            }
            else
            {
                Console.WriteLine($"Shared {receipt.Files.Count} file(s) as share {receipt.ShareId}; manifest: {receipt.ManifestKey}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static async Task<ShareReceipt> RunAsync(ShareSettings settings, bool verbose, CancellationToken cancellationToken)
    {
        if ((settings.To is null) == (settings.Bucket is null))
        {
            throw new UsageException("Give exactly one target: --to DIR (local folder store) or --bucket BUCKET (S3).");
        }

        if (settings.PgpKeys.Count == 0)
        {
            throw new UsageException("No encryption key: give the receiver's public key with --pgp-key FILE.");
        }

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning)
            .AddFilter("Microsoft", LogLevel.Warning));
        var builder = services
            .AddS3S2Sharing(o =>
            {
                o.Bucket = settings.Bucket;
                o.Prefix = settings.Prefix ?? string.Empty;
            })
            .AddOpenPgpEncryption(o =>
            {
                foreach (var key in settings.PgpKeys)
                {
                    o.RecipientKeys.Add(OpenPgpKeySource.FromFile(key));
                }

                foreach (var pin in settings.PinnedFingerprints)
                {
                    o.PinnedFingerprints.Add(pin);
                }

                o.Compression = settings.Compression;
            });
        if (settings.To is not null)
        {
            builder.AddLocalFolderStore(settings.To);
        }
        else
        {
            builder.AddS3Uploader(o =>
            {
                o.Region = settings.Region;
                o.ServiceUrl = settings.Endpoint;
            });
        }

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var client = provider.GetRequiredService<IShareClient>();
        return await client.ShareAsync(settings.Paths, progress: null, cancellationToken);
    }
}
