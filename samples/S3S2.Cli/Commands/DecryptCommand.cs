using System.CommandLine;

namespace S3S2.Cli.Commands;

/// <summary><c>s3s2 decrypt FILE --out FILE [--pgp-secret-key FILE ...] [--passphrase-env VAR]</c>.</summary>
internal static class DecryptCommand
{
    public static Command Create()
    {
        var source = new SourceOptions();
        var input = new Argument<string>("FILE") { Description = "An OpenPGP message: binary or armored, compressed or not (for example made by gpg)." };
        var output = new Option<string>("--out") { Description = "The plaintext file; written only once the message's integrity is verified, never over a different file.", Required = true };
        var command = new Command("decrypt", "Decrypt one OpenPGP message with the receiver's secret key; messages without integrity protection are refused.\n\nExit codes: 0 ok; 4 integrity failure; 2 bad input or key; 1 conflict or other failure.\n\nExample:\n  s3s2 decrypt orders.csv.gpg --out orders.csv --pgp-secret-key awesomeai.sec.asc --passphrase-env S3S2_PASSPHRASE")
        {
            input, output, source.SecretKeys, source.PassphraseEnv,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = source.Read(result);
            if (settings.SecretKeys.Count == 0)
            {
                throw new UsageException("No secret key: give the receiver's OpenPGP secret key with --pgp-secret-key FILE.");
            }

            var file = result.GetRequiredValue(input);
            if (!File.Exists(file))
            {
                throw new UsageException($"'{file}' does not exist or is not a file.");
            }

            await using var provider = ReceiverServices.Build(settings, needsStore: false, result.GetValue(CommonOptions.Verbose));
            var target = result.GetRequiredValue(output);
            await ReceiverServices.Client(provider).DecryptFileAsync(file, target, cancellationToken);
            Console.WriteLine($"Decrypted and verified: {target}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
