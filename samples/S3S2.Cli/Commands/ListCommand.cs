using System.CommandLine;
using System.Text.Json;

namespace S3S2.Cli.Commands;

/// <summary><c>s3s2 list (--from DIR | --bucket B [--endpoint URL]) [--prefix P] [--pgp-secret-key FILE ... [--require-signer [PREFIX=]FPR ...]] [--json]</c>.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var source = new SourceOptions();
        var command = new Command("list", "List the complete shares under the prefix (manifest present) and the incomplete ones (still being written; never received). With the receiver's keys, each share's manifest is read and its signer shown (checked against --require-signer as receive would).\n\nExamples:\n  s3s2 list --bucket awesomeai-inbox --prefix partners/bigdatarider\n  s3s2 list --from ./store --pgp-secret-key awesomeai.sec.asc --require-signer 0123...ABCD\n  s3s2 list --from ./store --json");
        foreach (var option in source.Store.Concat([source.SecretKeys, source.PassphraseEnv, source.KmsEndpoint, source.KmsKeys, source.KmsAccounts, source.RequiredSigners]))
        {
            command.Options.Add(option);
        }

        command.Options.Add(CommonOptions.Json);
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = source.Read(result);
            await using var provider = ReceiverServices.Build(settings, needsStore: true, result.GetValue(CommonOptions.Verbose));
            var client = ReceiverServices.Client(provider);
            var listing = await client.ListSharesAsync(cancellationToken);
            if (result.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(listing, CliJsonContext.Default.ShareListing));
                return ExitCodes.Ok;
            }

            var readsManifests = settings.SecretKeys.Count > 0 || settings.KmsKeys?.Count > 0 || settings.KmsAccounts?.Count > 0;
            foreach (var share in listing.Complete)
            {
                var signer = readsManifests ? $"  {await SignerAsync(client, share.ShareId, cancellationToken)}" : string.Empty;
                Console.WriteLine($"{share.ShareId}  complete    {share.ManifestKey}{signer}");
            }

            foreach (var id in listing.Incomplete)
            {
                Console.WriteLine($"{id}  incomplete  (no manifest yet; not received)");
            }

            if (listing.Complete.Count == 0 && listing.Incomplete.Count == 0)
            {
                Console.WriteLine("No shares under the prefix.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The share's signer as receive would judge it; a share that cannot be read says why, the listing goes on.</summary>
    private static async Task<string> SignerAsync(S3S2.Sharing.Receiving.IReceiveClient client, string shareId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ReadSignerAsync(shareId, cancellationToken) is { } fingerprint ? $"signed by {fingerprint}" : "unsigned";
        }
        catch (Exception ex) when (ex is S3S2.Sharing.Signing.SignerRefusedException or S3S2.Sharing.Receiving.IntegrityException or S3S2.Sharing.Encryption.EncryptionKeyException)
        {
            Console.Error.WriteLine($"s3s2: share {shareId}: {ex.Message}");
            return ex is S3S2.Sharing.Signing.SignerRefusedException ? "REFUSED (signer)" : "unreadable";
        }
    }
}
