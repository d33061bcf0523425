using System.CommandLine;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.CommandLine.Commands;

/// <summary><c>s3s2 keygen --name NAME --out DIR [--passphrase-env VAR] [--signing]</c>: a receiver key pair, or a partner's signing key, gpg accepts.</summary>
internal static class KeygenCommand
{
    public static Command Create(S3S2CommandLineOptions options)
    {
        var name = new Option<string>("--name") { Description = "The key's name (also the file names), for example 'awesomeai'.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "The folder to write NAME.pub.asc and NAME.sec.asc to.", Required = true };
        var passphraseEnv = new Option<string?>("--passphrase-env") { Description = "The environment variable holding the secret key's passphrase." };
        var signing = new Option<bool>("--signing") { Description = "Make a partner's signing key (RSA-3072, sign only) for 's3s2 share --sign-key'; receivers pin its fingerprint with --require-signer." };
        var command = new Command("keygen", "Make a receiver key pair: NAME.pub.asc for partners, NAME.sec.asc for the receiver only. With --signing, a partner's signing key: NAME.sec.asc signs shares, NAME.pub.asc and the fingerprint go to the receiver.\n\nExamples:\n  s3s2 keygen --name awesomeai --out keys --passphrase-env S3S2_PASSPHRASE\n  s3s2 keygen --signing --name bigdatarider --out keys --passphrase-env SIGN_PASSPHRASE")
        {
            name, output, passphraseEnv, signing,
        };
        command.Action = S3S2CommandAction.Synchronous(options, (result, run) =>
        {
            var keyName = result.GetRequiredValue(name);
            var folder = result.GetRequiredValue(output);
            var passphrase = Passphrase.FromEnvironment(result.GetValue(passphraseEnv));
            if (keyName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            {
                throw new UsageException($"--name '{keyName}' cannot be used in a file name. Use letters, digits, '-' or '_'.");
            }

            var publicPath = Path.Combine(folder.FullName, keyName + ".pub.asc");
            var secretPath = Path.Combine(folder.FullName, keyName + ".sec.asc");
            foreach (var path in new[] { publicPath, secretPath })
            {
                if (File.Exists(path))
                {
                    throw new UsageException($"'{path}' already exists. Choose another --name or --out; existing keys are never overwritten.");
                }
            }

            var signingKey = result.GetValue(signing);
            var key = signingKey
                ? OpenPgpKeyGenerator.GenerateSigningKey($"{keyName} (s3s2 partner signing key)", passphrase)
                : OpenPgpKeyGenerator.Generate($"{keyName} (s3s2 receiver)", passphrase);
            folder.Create();
            File.WriteAllText(publicPath, key.PublicKeyArmored);
            WriteSecret(secretPath, key.SecretKeyArmored);
            if (signingKey)
            {
                run.Out.WriteLine($"Public key (give to the receiver):      {publicPath}");
                run.Out.WriteLine($"Secret key (signs shares; keep private): {secretPath}");
                run.Out.WriteLine($"Fingerprint (receivers pin it):          {key.Fingerprint}");
            }
            else
            {
                run.Out.WriteLine($"Public key (give to partners): {publicPath}");
                run.Out.WriteLine($"Secret key (keep private):     {secretPath}");
                run.Out.WriteLine($"Fingerprint (partners pin it): {key.Fingerprint}");
            }

            if (passphrase.Length == 0)
            {
                run.ErrorLine($"warning: {secretPath} is not protected by a passphrase (only by its file mode 0600). Use --passphrase-env VAR to protect it.");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Writes a secret key readable by its owner only (0600 on Unix), never over an existing file.</summary>
    public static void WriteSecret(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(content);
    }
}
