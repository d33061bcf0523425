using System.CommandLine;
using System.Text.Json;
using S3S2.Sharing.Receiving;

namespace S3S2.Cli.Commands;

/// <summary><c>s3s2 receive (--from DIR | --bucket B [--endpoint URL]) [--prefix P] [--share ID] --out DIR [--pgp-secret-key FILE ...] [--passphrase-env VAR] [--json]</c>.</summary>
internal static class ReceiveCommand
{
    public static Command Create()
    {
        var source = new SourceOptions();
        var share = new Option<string?>("--share") { Description = "Receive this share only; default: every complete share not received yet." };
        var output = new Option<string>("--out") { Description = "The folder each share is written to, as DIR/<shareId>/<relative path>.", Required = true };
        var deleteAfter = new Option<bool>("--delete-after-receive") { Description = "Delete a share's objects once all its files are in place and verified (the manifest last), so drop folders do not grow." };
        var command = new Command("receive", "Download, decrypt and verify shares; each file is renamed into place only when its size and SHA-256 match the manifest. Existing files are never overwritten.\n\nExit codes: 0 all received; 4 integrity failure; 2 bad input or key; 1 conflict or other failure.\n\nExamples:\n  s3s2 receive --bucket awesomeai-inbox --prefix partners/bigdatarider --out inbox --pgp-secret-key awesomeai.sec.asc --passphrase-env S3S2_PASSPHRASE\n  s3s2 receive --from ./store --share 20261127T004512345Z-1a2b3c4d --out inbox --pgp-secret-key awesomeai.sec.asc");
        foreach (var option in source.Store)
        {
            command.Options.Add(option);
        }

        foreach (var option in new Option[] { share, output, deleteAfter, source.SecretKeys, source.PassphraseEnv, source.KmsEndpoint, source.KmsKeys, source.KmsAccounts, CommonOptions.Json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            // No secret key is needed for KMS envelope shares; an OpenPGP share without one fails naming the fix.
            var settings = source.Read(result) with { DeleteAfterReceive = result.GetValue(deleteAfter) };
            await using var provider = ReceiverServices.Build(settings, needsStore: true, result.GetValue(CommonOptions.Verbose));
            var client = ReceiverServices.Client(provider);
            var outputDirectory = result.GetRequiredValue(output);
            var shares = result.GetValue(share) is { } id
                ? [await client.ReceiveShareAsync(id, outputDirectory, cancellationToken)]
                : await client.ReceiveAllAsync(outputDirectory, cancellationToken);

            if (result.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(shares.ToList(), CliJsonContext.Default.ListReceivedShare));
            }
            else
            {
                Report(shares);
            }

            return ExitCodeOf(shares);
        });
        return command;
    }

    private static void Report(IReadOnlyList<ReceivedShare> shares)
    {
        if (shares.Count == 0)
        {
            Console.WriteLine("No complete shares under the prefix.");
        }

        foreach (var share in shares)
        {
            var received = share.Files.Count(f => f.Status == ReceiveStatus.Received);
            var present = share.Files.Count(f => f.Status == ReceiveStatus.AlreadyReceived);
            Console.WriteLine(share.Succeeded
                ? $"{share.ShareId}: {(share.Status == ReceiveStatus.AlreadyReceived && share.Files.Count == 0 ? "already received" : $"{received} file(s) received, {present} already present")} -> {share.Directory}"
                : $"{share.ShareId}: {Describe(share.Status)}");
            if (share.Error is not null)
            {
                Console.Error.WriteLine($"s3s2: share {share.ShareId}: {Describe(share.Status)}: {share.Error}");
            }

            foreach (var file in share.Files.Where(f => f.Error is not null))
            {
                Console.Error.WriteLine($"s3s2: {Describe(file.Status)}: {file.Error}");
            }
        }
    }

    private static string Describe(ReceiveStatus status) => status switch
    {
        ReceiveStatus.IntegrityFailed => "integrity failure",
        ReceiveStatus.Conflict => "conflict",
        ReceiveStatus.Failed => "failed",
        ReceiveStatus.AlreadyReceived => "already received",
        _ => "received",
    };

    private static int ExitCodeOf(IReadOnlyList<ReceivedShare> shares) =>
        shares.Any(s => s.Status == ReceiveStatus.IntegrityFailed) ? ExitCodes.IntegrityFailed
        : shares.All(s => s.Succeeded) ? ExitCodes.Ok
        : ExitCodes.Failed;
}
