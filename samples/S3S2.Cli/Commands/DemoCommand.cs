using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;

namespace S3S2.Cli.Commands;

/// <summary>
/// <c>s3s2 demo</c>: the whole job on the embedded default, with no AWS account. The receiver makes a throwaway key and
/// a partner profile; the partner shares the sample CSVs with that profile to a local folder store; the receiver
/// receives and verifies them; a short table shows what went through. It stays in the sample because it needs the
/// sample data shipped next to this program, and it runs the package's own commands in this process, as any host of
/// the package can.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(RootCommand tool)
    {
        var output = new Option<DirectoryInfo?>("--out") { Description = "The folder for the demo's key and store; default: a new folder in the temp directory." };
        var command = new Command("demo", "Run a full round trip on a local folder store (no AWS account): receiver key and profile, partner share, receiver receive and verify.\n\nExample:\n  s3s2 demo --out ./s3s2-demo")
        {
            output,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var console = result.InvocationConfiguration.Output;
            var folder = result.GetValue(output)?.FullName ?? Path.Combine(Path.GetTempPath(), "s3s2-demo-" + Guid.NewGuid().ToString("N")[..8]);
            var data = Path.Combine(AppContext.BaseDirectory, "data");
            if (!Directory.Exists(data))
            {
                result.InvocationConfiguration.Error.WriteLine($"s3s2: the sample data folder '{data}' is missing. Build the CLI project so that samples/data is copied next to it.");
                return 2;
            }

            // Each run makes a new key pair and store; a folder of an earlier run would make keygen refuse to overwrite.
            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            {
                result.InvocationConfiguration.Error.WriteLine($"s3s2: the demo folder '{folder}' is not empty. Give a new or empty folder with --out, or leave --out out for a new folder in the temp directory.");
                return 2;
            }

            Directory.CreateDirectory(folder);
            var publicKey = Path.Combine(folder, "receiver.pub.asc");
            var secretKey = Path.Combine(folder, "receiver.sec.asc");
            var profile = Path.Combine(folder, "demo-partner.profile.json");
            var store = Path.Combine(folder, "store");
            var received = Path.Combine(folder, "received");
            var steps = new (string Title, string[] Arguments)[]
            {
                ("1. Receiver: making a throwaway key pair (RSA-3072)", ["keygen", "--name", "receiver", "--out", folder]),
                ("2. Receiver: writing the partner's profile (bucket, prefix, key pinned by fingerprint)", ["init", "--bucket", "awesomeai-inbox", "--prefix", "partners/demo-partner", "--pgp-key", publicKey, "--expire-days", "30", "--receiver", "s3s2 demo receiver", "--out", profile]),
                ($"3. Partner: sharing {data} with that profile, to the local folder store {store} instead of S3", ["share", data, "--to", store, "--profile", profile, "--json"]),
                ($"4. Receiver: receiving with the secret key into {received}", ["receive", "--from", store, "--prefix", "partners/demo-partner", "--out", received, "--pgp-secret-key", secretKey, "--json"]),
            };
            var outputs = new List<string>();
            foreach (var (title, arguments) in steps)
            {
                console.WriteLine(title + "...");
                var (code, text) = await RunAsync(tool, arguments, result.InvocationConfiguration.Error, cancellationToken);
                if (code != 0)
                {
                    return code;
                }

                outputs.Add(text);
            }

            using var receipt = JsonDocument.Parse(outputs[2]);
            using var shares = JsonDocument.Parse(outputs[3]);
            var shareId = receipt.RootElement.GetProperty("shareId").GetString()!;
            var share = shares.RootElement.EnumerateArray().Single(s => s.GetProperty("shareId").GetString() == shareId);
            var directory = share.GetProperty("directory").GetString()!;

            console.WriteLine();
            console.WriteLine($"   {"file",-28} {"bytes",6}  {"encrypted",9}  {"sha256",-17}  received");
            var failed = false;
            foreach (var file in receipt.RootElement.GetProperty("files").EnumerateArray())
            {
                var path = file.GetProperty("path").GetString()!;
                var sha256 = file.GetProperty("sha256").GetString()!;
                var encrypted = new FileInfo(Path.Combine(store, file.GetProperty("key").GetString()!)).Length;

                // Verified here too, from the bytes on disk: the received file's own SHA-256 against the partner's receipt.
                var receivedPath = Path.Combine(directory, path);
                var ok = File.Exists(receivedPath) && await Sha256HexAsync(receivedPath, cancellationToken) == sha256;
                failed |= !ok;
                console.WriteLine($"   {path,-28} {file.GetProperty("size").GetInt64(),6}  {encrypted,9}  {sha256[..16]}…  {(ok ? "received, SHA-256 verified" : "FAILED")}");
            }

            console.WriteLine();
            console.WriteLine($"Share {shareId}: {share.GetProperty("status").GetString()}. Received files: {directory}");
            console.WriteLine($"gpg reads the objects too: gpg --import {secretKey} && gpg --decrypt {Path.Combine(store, receipt.RootElement.GetProperty("manifestKey").GetString()!)}");
            return failed ? 1 : 0;
        });
        return command;
    }

    /// <summary>Runs one of the tool's commands in this process, its results captured and its errors passed on.</summary>
    private static async Task<(int Code, string Output)> RunAsync(RootCommand tool, string[] arguments, TextWriter error, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        var code = await tool.Parse(arguments).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        return (code, output.ToString());
    }

    private static async Task<string> Sha256HexAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }
}
