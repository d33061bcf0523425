using System.CommandLine;
using System.Text.Json;
using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary><c>s3s2 receive (--from DIR | --bucket B [--endpoint URL]) [--prefix P] [--share ID] --out DIR [--pgp-secret-key FILE ...] [--passphrase-env VAR] [--json]</c>.</summary>
internal static class ReceiveCommand
{
    public static Command Create(S3S2CommandLineOptions options)
    {
        var source = new SourceOptions();
        var share = new Option<string?>("--share") { Description = "Receive this share only; default: every complete share not received yet." };
        var output = new Option<string>("--out") { Description = "The folder each share is written to, as DIR/<shareId>/<relative path>.", Required = true };
        var maxFileBytes = new Option<long?>("--max-file-bytes") { Description = "Refuse a share listing a file larger than this many bytes (default 64 GiB)." }.Within(1);
        var maxShareBytes = new Option<long?>("--max-share-bytes") { Description = "Refuse a share larger than this many bytes in total (default 1 TiB)." }.Within(1);
        var maxFiles = new Option<int?>("--max-files") { Description = "Refuse a share listing more files than this (default 100000)." }.Within(1);
        var maxPathDepth = new Option<int?>("--max-path-depth") { Description = "Refuse a share with paths of more levels than this (default 32)." }.Within(1);
        var maxExpansion = new Option<int?>("--max-expansion-ratio") { Description = "Refuse a file whose plaintext is more than this many times its ciphertext (default 1000; stops decompression bombs)." }.Within(1);
        var readTimeout = new Option<int?>("--read-timeout") { Description = "Seconds a download may bring no data before it is abandoned and tried again (default 60)." }.Within(1, 3600);
        var deleteAfter = new Option<bool>("--delete-after-receive") { Description = "Delete a share's objects once all its files are in place and verified (the manifest last), so drop folders do not grow." };
        var command = new Command("receive", "Download, decrypt and verify shares; each file is renamed into place only when its size and SHA-256 match the manifest. Existing files are never overwritten.\n\nExit codes: 0 all received (shares encrypted to none of your keys are skipped with a warning when others are readable); 4 integrity failure (corrupt, modified or missing object); 3 refused by a limit (--max-*, free disk space) or for its signer (--require-signer); 2 bad input or key; 1 conflict or other failure. Integrity wins over the others.\n\nExamples:\n  s3s2 receive --bucket awesomeai-inbox --prefix partners/bigdatarider --out inbox --pgp-secret-key awesomeai.sec.asc --passphrase-env S3S2_PASSPHRASE\n  s3s2 receive --from ./store --share 20261127T004512345Z-1a2b3c4d --out inbox --pgp-secret-key awesomeai.sec.asc\n  s3s2 receive --bucket awesomeai-inbox --prefix partners/bigdatarider --out inbox --pgp-secret-key awesomeai.sec.asc --require-signer partners/bigdatarider=0123...ABCD");
        foreach (var option in source.Store)
        {
            command.Options.Add(option);
        }

        foreach (var option in new Option[] { share, output, deleteAfter, maxFileBytes, maxShareBytes, maxFiles, maxPathDepth, maxExpansion, readTimeout, source.SecretKeys, source.PassphraseEnv, source.KmsEndpoint, source.KmsKeys, source.KmsAccounts, source.RequiredSigners, CommonOptions.Json })
        {
            command.Options.Add(option);
        }

        command.Action = new S3S2CommandAction(options, async (result, run, cancellationToken) =>
        {
            // No secret key is needed for KMS envelope shares; an OpenPGP share without one fails naming the fix.
            var settings = source.Read(result) with
            {
                DeleteAfterReceive = result.GetValue(deleteAfter),
                Limits = new ReceiveLimits(result.GetValue(maxFileBytes), result.GetValue(maxShareBytes), result.GetValue(maxFiles), result.GetValue(maxPathDepth), result.GetValue(maxExpansion), result.GetValue(readTimeout)),
            };
            var provider = ReceiverServices.Build(settings, needsStore: true, run, cancellationToken: cancellationToken);
            await using var disposeProvider = provider.ConfigureAwait(false);
            var client = ReceiverServices.Client(provider);
            var outputDirectory = result.GetRequiredValue(output);
            var id = result.GetValue(share);
            Task<IReadOnlyList<ReceivedShare>> Receive(IProgress<ReceiveProgress>? progress) => id is not null
                ? ReceiveOneAsync(client, id, outputDirectory, progress, cancellationToken)
                : client.ReceiveAllAsync(outputDirectory, progress, cancellationToken);
            var view = run.ReceiveProgressView();
            var shares = view is null
                ? await Receive(null).ConfigureAwait(false)
                : await view.RunAsync(p => Receive(p)).ConfigureAwait(false);

            if (run.Json)
            {
                run.Out.WriteLine(JsonSerializer.Serialize(shares.ToList(), CliJsonContext.Default.ListReceivedShare));
            }
            else
            {
                Report(shares, run);
            }

            return ExitCodeOf(shares);
        });
        return command;
    }

    private static async Task<IReadOnlyList<ReceivedShare>> ReceiveOneAsync(IReceiveClient client, string shareId, string outputDirectory, IProgress<ReceiveProgress>? progress, CancellationToken cancellationToken) =>
        [await client.ReceiveShareAsync(shareId, outputDirectory, progress, cancellationToken).ConfigureAwait(false)];

    private static void Report(IReadOnlyList<ReceivedShare> shares, CommandRun run)
    {
        if (shares.Count == 0)
        {
            run.Out.WriteLine("No complete shares under the prefix.");
        }

        foreach (var share in shares)
        {
            var received = share.Files.Count(f => f.Status == ReceiveStatus.Received);
            var present = share.Files.Count(f => f.Status == ReceiveStatus.AlreadyReceived);
            run.Out.WriteLine(share.Succeeded
                ? $"{share.ShareId}: {(share.Status == ReceiveStatus.AlreadyReceived && share.Files.Count == 0 ? "already received" : $"{received} file(s) received, {present} already present")} -> {share.Directory}{(share.SignerFingerprint is { } signer ? $" (signed by {signer})" : string.Empty)}"
                : $"{share.ShareId}: {Describe(share.Status)}");
            if (share.Error is not null && share.Status != ReceiveStatus.Skipped)
            {
                run.ErrorLine($"share {share.ShareId}: {Describe(share.Status)}: {share.Error}");
            }

            if (share.Status == ReceiveStatus.Skipped)
            {
                run.ErrorLine($"warning: share {share.ShareId} is encrypted to none of the given keys (other shares are readable); skipped as not for this receiver.");
            }

            foreach (var file in share.Files.Where(f => f.Error is not null))
            {
                run.ErrorLine($"{Describe(file.Status)}: {file.Error}");
            }
        }
    }

    private static string Describe(ReceiveStatus status) => status switch
    {
        ReceiveStatus.IntegrityFailed => "integrity failure",
        ReceiveStatus.Conflict => "conflict",
        ReceiveStatus.Failed => "failed",
        ReceiveStatus.Refused => "refused",
        ReceiveStatus.Skipped => "skipped (not for these keys)",
        ReceiveStatus.AlreadyReceived => "already received",
        _ => "received",
    };

    private static int ExitCodeOf(IReadOnlyList<ReceivedShare> shares) =>
        shares.Any(s => s.Status == ReceiveStatus.IntegrityFailed) ? ExitCodes.IntegrityFailed
        : shares.Any(s => s.Status == ReceiveStatus.Refused) ? ExitCodes.PolicyRefused
        : shares.All(s => s.Succeeded || s.Status == ReceiveStatus.Skipped) ? ExitCodes.Ok
        : ExitCodes.Failed;
}
