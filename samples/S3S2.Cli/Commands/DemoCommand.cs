using System.CommandLine;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Cli.Commands;

/// <summary>
/// <c>s3s2 demo</c>: the main job on the embedded default, with no AWS account. A throwaway receiver key is
/// made, the sample CSVs are shared to a local folder store with the key's fingerprint pinned, and what was
/// written is summarized.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo?>("--out") { Description = "The folder for the demo's key and store; default: a new folder in the temp directory." };
        var command = new Command("demo", "Share the sample CSVs to a local folder store with a throwaway receiver key (no AWS account needed).\n\nExample:\n  s3s2 demo --out ./s3s2-demo")
        {
            output,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var folder = result.GetValue(output)?.FullName ?? Path.Combine(Path.GetTempPath(), "s3s2-demo-" + Guid.NewGuid().ToString("N")[..8]);
            var data = Path.Combine(AppContext.BaseDirectory, "data");
            if (!Directory.Exists(data))
            {
                throw new UsageException($"The sample data folder '{data}' is missing. Build the CLI project so that samples/data is copied next to it.");
            }

            Directory.CreateDirectory(folder);
            Console.WriteLine("1. Receiver: making a throwaway key pair (RSA-3072)...");
            var key = OpenPgpKeyGenerator.Generate("s3s2 demo receiver <demo@receiver.example>");
            var publicKey = Path.Combine(folder, "receiver.pub.asc");
            await File.WriteAllTextAsync(publicKey, key.PublicKeyArmored, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, "receiver.sec.asc"), key.SecretKeyArmored, cancellationToken);
            Console.WriteLine($"   fingerprint {key.Fingerprint}");

            var profilePath = Path.Combine(folder, "demo-partner.profile.json");
            InitCommand.Write(InitCommand.Build("awesomeai-inbox", "partners/demo-partner", null, null, [publicKey], null, 30, "s3s2 demo receiver"), profilePath);
            Console.WriteLine($"2. Receiver: wrote the partner's profile {profilePath} (bucket, prefix, key pinned by fingerprint)");

            var store = Path.Combine(folder, "store");
            Console.WriteLine($"3. Partner: sharing {data} with that profile, to the local folder store {store} instead of S3...");
            var receipt = await ShareCommand.RunAsync(
                new ShareSettings([data], store, null, null, null, null, [], [], OpenPgpCompression.Zlib, Profile: profilePath),
                result.GetValue(CommonOptions.Verbose),
                cancellationToken);

            Console.WriteLine($"4. Written: share {receipt.ShareId}");
            Console.WriteLine($"   {"file",-28} {"bytes",8}  {"encrypted",9}  sha256");
            foreach (var file in receipt.Files)
            {
                var encrypted = new FileInfo(Path.Combine(store, file.Key)).Length;
                Console.WriteLine($"   {file.Path,-28} {file.Size,8}  {encrypted,9}  {file.Sha256[..16]}…");
            }

            Console.WriteLine($"   manifest (uploaded last): {receipt.ManifestKey} ({new FileInfo(Path.Combine(store, receipt.ManifestKey)).Length} bytes)");
            Console.WriteLine($"Decrypt one with gpg: gpg --import {Path.Combine(folder, "receiver.sec.asc")} && gpg --decrypt {Path.Combine(store, receipt.Files[0].Key)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
