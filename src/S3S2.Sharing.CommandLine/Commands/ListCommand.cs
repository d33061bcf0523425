using System.CommandLine;
using System.Text.Json;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary><c>s3s2 list (--from DIR | --bucket B [--endpoint URL]) [--prefix P] [--pgp-secret-key FILE ... [--require-signer [PREFIX=]FPR ...]] [--json]</c>.</summary>
internal static class ListCommand
{
    public static Command Create(S3S2CommandLineOptions options)
    {
        var source = new SourceOptions();
        var command = new Command("list", "List the complete shares under the prefix (manifest present) and the incomplete ones (still being written; never received). With the receiver's keys, each share's manifest is read and its signer shown (checked against --require-signer as receive would).\n\nExamples:\n  s3s2 list --bucket awesomeai-inbox --prefix partners/bigdatarider\n  s3s2 list --from ./store --pgp-secret-key awesomeai.sec.asc --require-signer 0123...ABCD\n  s3s2 list --from ./store --json");
        foreach (var option in source.Store.Concat([source.SecretKeys, source.PassphraseEnv, source.KmsEndpoint, source.KmsKeys, source.KmsAccounts, source.RequiredSigners]))
        {
            command.Options.Add(option);
        }

        command.Options.Add(CommonOptions.Json);
        command.Action = new S3S2CommandAction(options, async (result, run, cancellationToken) =>
        {
            var settings = source.Read(result);
            var provider = ReceiverServices.Build(settings, needsStore: true, run, cancellationToken: cancellationToken);
            await using var disposeProvider = provider.ConfigureAwait(false);
            var client = ReceiverServices.Client(provider);
            var listing = await client.ListSharesAsync(cancellationToken).ConfigureAwait(false);
            var readsManifests = settings.SecretKeys.Count > 0 || settings.KmsKeys?.Count > 0 || settings.KmsAccounts?.Count > 0;
            if (run.Json && !readsManifests)
            {
                run.Out.WriteLine(JsonSerializer.Serialize(listing, CliJsonContext.Default.ShareListing));
                return ExitCodes.Ok;
            }

            if (run.Json)
            {
                // With the receiver's keys, each complete share carries its signer as the text form shows it.
                var complete = new List<ListedShare>(listing.Complete.Count);
                foreach (var share in listing.Complete)
                {
                    var signer = await SignerAsync(client, share.ShareId, run, cancellationToken).ConfigureAwait(false);
                    complete.Add(new ListedShare(share.ShareId, share.ManifestKey, signer));
                }

                run.Out.WriteLine(JsonSerializer.Serialize(new SignerListing(complete, listing.Incomplete), CliJsonContext.Default.SignerListing));
                return ExitCodes.Ok;
            }

            foreach (var share in listing.Complete)
            {
                var signer = readsManifests ? $"  {await SignerAsync(client, share.ShareId, run, cancellationToken).ConfigureAwait(false)}" : string.Empty;
                run.Out.WriteLine($"{share.ShareId}  complete    {share.ManifestKey}{signer}");
            }

            foreach (var id in listing.Incomplete)
            {
                run.Out.WriteLine($"{id}  incomplete  (no manifest yet; not received)");
            }

            if (listing.Complete.Count == 0 && listing.Incomplete.Count == 0)
            {
                run.Out.WriteLine("No shares under the prefix.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The share's signer as receive would judge it; a share that cannot be read says why, the listing goes on.</summary>
    private static async Task<ShareSigner> SignerAsync(S3S2.Sharing.Receiving.IReceiveClient client, string shareId, CommandRun run, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ReadSignerAsync(shareId, cancellationToken).ConfigureAwait(false) is { } fingerprint
                ? new ShareSigner(SignerStatus.Signed, fingerprint, null)
                : new ShareSigner(SignerStatus.Unsigned, null, null);
        }
        catch (Exception ex) when (ex is S3S2.Sharing.Signing.SignerRefusedException or S3S2.Sharing.Receiving.IntegrityException or S3S2.Sharing.Encryption.EncryptionKeyException)
        {
            run.ErrorLine($"share {shareId}: {ex.Message}");
            return new ShareSigner(ex is S3S2.Sharing.Signing.SignerRefusedException ? SignerStatus.Refused : SignerStatus.Unreadable, null, ex.Message);
        }
    }
}
