using System.CommandLine;
using S3S2.Sharing.Encryption.Kms;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary>
/// <c>s3s2 decrypt FILE --out FILE [--pgp-secret-key FILE ...] [--passphrase-env VAR] [--kms-endpoint URL]</c>: one
/// OpenPGP message (binary or armored, compressed or not, e.g. made by gpg) or one KMS envelope message (AWS
/// Encryption SDK format, decrypted with the KMS key it names). The format is told from the first bytes.
/// </summary>
internal static class DecryptCommand
{
    public static Command Create(S3S2CommandLineOptions options)
    {
        var source = new SourceOptions();
        var input = new Argument<string>("FILE") { Description = "An OpenPGP message (binary or armored, e.g. made by gpg) or a KMS envelope message (.encrypted)." };
        var output = new Option<string>("--out") { Description = "The plaintext file; written only once the whole message is verified, never over a different file.", Required = true };
        var maxFileBytes = new Option<long?>("--max-file-bytes") { Description = "Refuse a message that decrypts to more than this many bytes (default 64 GiB)." }.Within(1);
        var maxExpansion = new Option<int?>("--max-expansion-ratio") { Description = "Refuse a message whose plaintext is more than this many times its ciphertext (default 1000; stops decompression bombs)." }.Within(1);
        PathCompletions.AddTo(input, output);
        var command = new Command("decrypt", "Decrypt one message: OpenPGP with the receiver's secret key (messages without integrity protection are refused), or KMS envelope with a KMS key you allow (--kms-key ARN or --kms-account ID).\n\nExit codes: 0 ok; 4 integrity failure (no output is left); 3 refused by a limit (--max-file-bytes, --max-expansion-ratio; no output is left); 2 bad input or key; 1 conflict or other failure.\n\nExamples:\n  s3s2 decrypt orders.csv.gpg --out orders.csv --pgp-secret-key awesomeai.sec.asc --passphrase-env S3S2_PASSPHRASE\n  s3s2 decrypt orders.csv.encrypted --out orders.csv --kms-key arn:aws:kms:eu-west-1:111122223333:key/ID")
        {
            input, output, maxFileBytes, maxExpansion, source.SecretKeys, source.PassphraseEnv, source.KmsEndpoint, source.KmsKeys, source.KmsAccounts,
        };
        command.Action = new S3S2CommandAction(options, async (result, run, cancellationToken) =>
        {
            var settings = source.Read(result) with
            {
                Limits = new ReceiveLimits(result.GetValue(maxFileBytes), null, null, null, result.GetValue(maxExpansion), null),
            };
            var file = result.GetRequiredValue(input);
            if (!File.Exists(file))
            {
                throw new UsageException($"'{file}' does not exist or is not a file.");
            }

            if (settings.SecretKeys.Count == 0 && !IsKmsEnvelope(file))
            {
                throw new UsageException("No secret key: give the receiver's OpenPGP secret key with --pgp-secret-key FILE.");
            }

            // The KMS client is built ahead only for a KMS envelope message; a file that cannot be read here is reported
            // by the decryption itself, as before.
            var provider = ReceiverServices.Build(settings, needsStore: false, run, preloadKms: settings.KmsKeys is { Count: > 0 } && MayBeKmsEnvelope(file), cancellationToken: cancellationToken);

            await using var disposeProvider = provider.ConfigureAwait(false);
            var target = result.GetRequiredValue(output);
            await ReceiverServices.Client(provider).DecryptFileAsync(file, target, cancellationToken).ConfigureAwait(false);
            run.Out.WriteLine($"Decrypted and verified: {target}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool MayBeKmsEnvelope(string file)
    {
        try
        {
            return IsKmsEnvelope(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsKmsEnvelope(string file)
    {
        using var stream = File.OpenRead(file);
        Span<byte> head = stackalloc byte[3];
        return KmsEnvelopeDecryption.LooksLikeMessage(head[..stream.ReadAtLeast(head, 3, throwOnEndOfStream: false)]);
    }
}
