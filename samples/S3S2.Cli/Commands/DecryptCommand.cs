using System.Collections.Concurrent;
using System.CommandLine;
using Amazon.KeyManagementService;
using S3S2.Sharing.Encryption.Kms;

namespace S3S2.Cli.Commands;

/// <summary><c>s3s2 decrypt FILE --out FILE [--kms-endpoint URL]</c>: decrypts one KMS envelope message (AWS Encryption SDK format).</summary>
internal static class DecryptCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The KMS envelope message (for example a downloaded .encrypted object)." };
        var output = new Option<string>("--out") { Description = "Where to write the plaintext; written only once the whole message is verified.", Required = true };
        var kmsEndpoint = new Option<string?>("--kms-endpoint") { Description = "A KMS-compatible endpoint URL; default: the region named in the message's key ARN." };
        var region = new Option<string?>("--region") { Description = "The KMS region; default: the region named in the message's key ARN." };
        var allowed = new Option<string[]>("--kms-key") { Description = "Only use these KMS key ARNs (repeatable); default: the keys the message names.", Arity = ArgumentArity.OneOrMore };

        var command = new Command("decrypt", "Decrypt one KMS envelope message with the KMS key it names. The output file appears only when every frame (and the signature) verified; on an integrity failure the exit code is 4 and no output is left.\n\nExample:\n  s3s2 decrypt orders.csv.encrypted --out orders.csv")
        {
            file, output, kmsEndpoint, region, allowed,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var target = result.GetRequiredValue(output);
            var context = await RunAsync(result.GetRequiredValue(file), target, result.GetValue(kmsEndpoint), result.GetValue(region), result.GetValue(allowed), cancellationToken);
            Console.WriteLine(context.TryGetValue("s3s2:path", out var path)
                ? $"Decrypted {path} (share {context.GetValueOrDefault("s3s2:share-id")}) to {target}"
                : $"Decrypted to {target}");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static async Task<IReadOnlyDictionary<string, string>> RunAsync(string file, string target, string? kmsEndpoint, string? region, string[]? allowedKeys, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(target))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
        var clients = new ConcurrentDictionary<string, AmazonKeyManagementServiceClient>(StringComparer.Ordinal);
        try
        {
            IReadOnlyDictionary<string, string> context;
            await using (var message = File.OpenRead(file))
            await using (var plaintext = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                context = await KmsEnvelopeDecryption.DecryptAsync(
                    message,
                    plaintext,
                    keyArn => clients.GetOrAdd(kmsEndpoint is null ? region ?? RegionOf(keyArn) : kmsEndpoint, _ => CreateClient(kmsEndpoint, region ?? RegionOf(keyArn))),
                    allowedKeys is { Length: > 0 } ? allowedKeys : null,
                    cancellationToken: cancellationToken);
            }

            File.Move(temporary, target, overwrite: true);
            return context;
        }
        finally
        {
            File.Delete(temporary);
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    private static AmazonKeyManagementServiceClient CreateClient(string? endpoint, string keyRegion)
    {
        var config = new AmazonKeyManagementServiceConfig();
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = keyRegion;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(keyRegion);
        }

        return new AmazonKeyManagementServiceClient(config);
    }

    private static string RegionOf(string keyArn)
    {
        var parts = keyArn.Split(':');
        return parts.Length > 3 && parts[0] == "arn" && parts[3].Length > 0
            ? parts[3]
            : throw new UsageException($"The message names KMS key '{keyArn}', which is not an ARN with a region. Give --region.");
    }
}
