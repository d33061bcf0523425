using System.CommandLine;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;

namespace S3S2.Cli.Commands;

/// <summary>
/// <c>s3s2 demo</c>: the whole job on the embedded default, with no AWS account. The receiver makes a throwaway
/// key and a partner profile; the partner shares the sample CSVs with that profile to a local folder store; the
/// receiver lists, receives and verifies them; a short table shows what went through.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo?>("--out") { Description = "The folder for the demo's key and store; default: a new folder in the temp directory." };
        var command = new Command("demo", "Run a full round trip on a local folder store (no AWS account): receiver key and profile, partner share, receiver receive and verify.\n\nExample:\n  s3s2 demo --out ./s3s2-demo")
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
            KeygenCommand.WriteSecret(Path.Combine(folder, "receiver.sec.asc"), key.SecretKeyArmored);
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

            Console.WriteLine($"4. Partner: share {receipt.ShareId} written; the manifest went up last: {receipt.ManifestKey}");

            var received = Path.Combine(folder, "received");
            Console.WriteLine($"5. Receiver: listing and receiving with the secret key into {received}...");
            await using var provider = ReceiverServices.Build(
                new ReceiveSettings(store, null, null, null, "partners/demo-partner", [Path.Combine(folder, "receiver.sec.asc")], null),
                needsStore: true,
                result.GetValue(CommonOptions.Verbose));
            var shares = await ReceiverServices.Client(provider).ReceiveAllAsync(received, cancellationToken);
            var share = shares.Single(s => s.ShareId == receipt.ShareId);

            Console.WriteLine();
            Console.WriteLine($"   {"file",-28} {"bytes",6}  {"encrypted",9}  {"sha256",-17}  received");
            foreach (var file in receipt.Files)
            {
                var encrypted = new FileInfo(Path.Combine(store, file.Key)).Length;
                // Verified here too, from the bytes on disk: the received file's own SHA-256 against the partner's receipt.
                var receivedPath = Path.Combine(share.Directory, file.Path);
                var status = share.Files.SingleOrDefault(f => f.Path == file.Path) is { Status: ReceiveStatus.Received or ReceiveStatus.AlreadyReceived } got
                    && File.Exists(receivedPath)
                    && await Sha256HexAsync(receivedPath, cancellationToken) == file.Sha256
                    ? $"{got.Status}, SHA-256 verified"
                    : "FAILED";
                Console.WriteLine($"   {file.Path,-28} {file.Size,6}  {encrypted,9}  {file.Sha256[..16]}…  {status}");
            }

            Console.WriteLine();
            Console.WriteLine($"Share {share.ShareId}: {share.Status}. Received files: {share.Directory}");
            Console.WriteLine($"gpg reads the objects too: gpg --import {Path.Combine(folder, "receiver.sec.asc")} && gpg --decrypt {Path.Combine(store, receipt.Files[0].Key)}");
            if (!share.Succeeded)
            {
                Console.Error.WriteLine($"s3s2: the demo share was not received: {share.Error}");
                return ExitCodes.Failed;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<string> Sha256HexAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file, cancellationToken));
    }
}
