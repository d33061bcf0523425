using System.CommandLine;
using System.Text.Json;

namespace S3S2.Cli.Commands;

/// <summary><c>s3s2 list (--from DIR | --bucket B [--endpoint URL]) [--prefix P] [--json]</c>.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var source = new SourceOptions();
        var command = new Command("list", "List the complete shares under the prefix (manifest present) and the incomplete ones (still being written; never received).\n\nExamples:\n  s3s2 list --bucket awesomeai-inbox --prefix partners/bigdatarider\n  s3s2 list --from ./store --json");
        foreach (var option in source.Store)
        {
            command.Options.Add(option);
        }

        command.Options.Add(CommonOptions.Json);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var provider = ReceiverServices.Build(source.Read(result), needsStore: true, result.GetValue(CommonOptions.Verbose));
            var listing = await ReceiverServices.Client(provider).ListSharesAsync(cancellationToken);
            if (result.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(listing, CliJsonContext.Default.ShareListing));
                return ExitCodes.Ok;
            }

            foreach (var share in listing.Complete)
            {
                Console.WriteLine($"{share.ShareId}  complete    {share.ManifestKey}");
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
}
