using System.Diagnostics;
using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Benchmarks;

// Every row of the performance issue's table, each s3s2 figure a whole process of the CLI as users run it (the tool
// package packed from this repository and installed with 'dotnet tool install'; --build-output runs 'dotnet s3s2.dll'
// from the Release build instead, --native the same install with this platform's native tool package), each with its baseline measured in the same run on the same files, and the ratio
// (baseline time / s3s2 time, so higher is better and 1.00 is "as fast as the baseline"); peak RSS read from
// /proc/PID/status (VmHWM); CPU seconds from getrusage. The start-up row compares the tool with the build output.
//
//   dotnet run -c Release --project benchmarks/S3S2.Benchmarks -- rows [--size-mib 512] [--files 1000]
//       [--rss-mib 4096] [--rss-small-mib 256] [--work DIR] [--only start,pgp,small,s3,kms,calls,rss]
//       [--build-output | --native] [--repeat 3] [--cold-pages]
//
// The large-file rows (pgp, kms) and the small-file rows run the baseline and s3s2 alternately --repeat times on the
// same files and print the medians and each side's spread: on a shared machine one run of a 512 MiB row moves by a
// third, baselines too, so a ratio of single runs says as much about the machine as about the code. Each side's output
// is deleted before each of its runs (a baseline writing over its own earlier 512 MiB output paid for the truncation),
// and every timed run starts after a 'sync'. Before each of those runs (either side) the benchmark also writes and
// deletes a scratch file larger than the run writes, so that the pages the run gets from the kernel are backed by the
// host: on a virtual machine whose balloon driver reports free pages to the host (this one: virtio_balloon), the first
// write into such pages costs the guest a host fault per page, and a plain 'dd if=/dev/zero bs=1M count=512' takes
// 0.1-0.4 s right after a deletion and 0.9-2.3 s after 8 idle seconds. Without this, whichever side happens to get
// reported pages pays up to 1.5 s of system time for the machine, not its code.
// --cold-pages skips it. Each alternated row also prints the machine's state during it (CPU and page-cache write speed),
// since even warmed runs move with the machine (docs/performance.md, "How far to trust one run").
//
// Starts its own s3rver (the tests' npm package) and the tests' local KMS endpoint (which counts calls); needs
// gpg, openssl, node. Deletes what it wrote.
internal static class IssueRowsBenchmark
{
    private const string Prefix = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = args.ToList();
        if (arguments.FirstOrDefault() == "put-loop")
        {
            return await PutLoopAsync(arguments[1], arguments[2], arguments[3], int.Parse(arguments[4], CultureInfo.InvariantCulture));
        }

        var sizeMib = Option(arguments, "--size-mib", 512);
        var fileCount = Option(arguments, "--files", 1000);
        var rssMib = Option(arguments, "--rss-mib", 4096);
        var rssSmallMib = Option(arguments, "--rss-small-mib", 256);
        var work = arguments.IndexOf("--work") is var w and >= 0
            ? Directory.CreateDirectory(Path.Combine(arguments[w + 1], "s3s2-rows-" + Guid.NewGuid().ToString("N")[..8])).FullName
            : Directory.CreateTempSubdirectory("s3s2-rows-").FullName;

        var only = arguments.IndexOf("--only") is var o and >= 0 ? arguments[o + 1].Split(',') : null;
        var buildOutput = arguments.Contains("--build-output");
        var native = arguments.Contains("--native");
        var repeat = Option(arguments, "--repeat", 3);
        var warmPages = !arguments.Contains("--cold-pages");
        if (repeat < 1 || (buildOutput && native))
        {
            Console.Error.WriteLine("--repeat must be 1 or more; --build-output and --native exclude each other.");
            return 2;
        }

        var bench = new Bench(work, only, buildOutput, native, repeat, warmPages ? (long)(sizeMib + 256) * 1024 * 1024 : 0);
        try
        {
            return await bench.RunAsync(sizeMib, fileCount, rssMib, rssSmallMib);
        }
        finally
        {
            bench.Dispose();
            Directory.Delete(work, recursive: true);
        }
    }

    private static int Option(List<string> arguments, string name, int fallback) =>
        arguments.IndexOf(name) is var i and >= 0 ? int.Parse(arguments[i + 1], CultureInfo.InvariantCulture) : fallback;

    /// <summary>The PutObject baseline, in its own process like the CLI: the same files, concurrency and SDK settings as the share's uploader.</summary>
    private static async Task<int> PutLoopAsync(string folder, string endpoint, string bucket, int concurrency)
    {
        using var s3 = new AmazonS3Client(new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (file, token) =>
        {
            await using var content = File.OpenRead(file);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "put-loop/" + Path.GetRelativePath(folder, file), InputStream = content, UseChunkEncoding = false }, token);
        });
        return 0;
    }

    private sealed class Bench(string work, string[]? only, bool buildOutput, bool native, int repeat, long warmBytes) : IDisposable
    {
        private readonly string _gpgHome = PrivateDirectory(Path.Combine(work, "gnupg"));
        private readonly List<string> _lines = [];
        private readonly string _buildOutput = InstalledCli.BuildOutput;
        private string _cli = "s3s2";
        private string[] _cliPrefix = [];
        private readonly string _self = typeof(IssueRowsBenchmark).Assembly.Location;
        private LocalS3Server? _s3;
        private Dictionary<string, string?> _environment = [];

        public async Task<int> RunAsync(int sizeMib, int fileCount, int rssMib, int rssSmallMib)
        {
            // Built too: the start-up row compares the tool (or the native build) with the plain build output ('dotnet s3s2.dll').
            Console.WriteLine(native
                ? "building the CLI (Release); packing it, with the native package for this machine, and installing it as a .NET tool..."
                : "building the CLI (Release); packing it and installing it as a .NET tool, as users get it...");
            await MustAsync("dotnet", ["build", Path.Combine(RepositoryRoot.Path, "samples", "S3S2.Cli"), "-c", "Release", "-nodeReuse:false", "-v", "quiet", "-clp:ErrorsOnly"]);
            var tool = await InstalledCli.InstallAsync(work, native);
            (_cli, _cliPrefix) = buildOutput ? ("dotnet", new[] { _buildOutput }) : (tool, []);
            var toolName = native ? "native" : "tool";
            _s3 = LocalS3Server.Instance;
            var kms = LocalKmsServer.Instance;
            var kmsKey = kms.CreateKey();
            _environment = new Dictionary<string, string?>
            {
                ["HOME"] = work,
                ["GNUPGHOME"] = _gpgHome,
                ["AWS_ACCESS_KEY_ID"] = LocalS3Server.AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = LocalS3Server.SecretKey,
                ["AWS_REGION"] = "us-east-1",
                ["AWS_EC2_METADATA_DISABLED"] = "true",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            };

            Console.WriteLine("preparing an RSA-3072 key (gpg), the files...");
            await MustAsync("gpg", ["--batch", "--passphrase", string.Empty, "--quick-gen-key", "S3S2 bench <bench@s3s2.test>", "rsa3072", "sign,cert", "never"]);
            var fingerprint = (await MustAsync("gpg", ["--batch", "--with-colons", "--list-keys", "bench@s3s2.test"])).Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
            await MustAsync("gpg", ["--batch", "--passphrase", string.Empty, "--quick-add-key", fingerprint, "rsa3072", "encr", "never"]);
            var publicKey = Path.Combine(work, "receiver.pub.asc");
            var secretKey = Path.Combine(work, "receiver.sec.asc");
            await File.WriteAllTextAsync(publicKey, await MustAsync("gpg", ["--batch", "--armor", "--export", fingerprint]));
            await File.WriteAllTextAsync(secretKey, await MustAsync("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", string.Empty, "--armor", "--export-secret-keys", fingerprint]));
            var gpgTo = new[] { "--batch", "--yes", "--trust-model", "always", "-r", fingerprint };

            var csv = Path.Combine(work, "data.csv");
            ShareBenchmark.MakeCsv(csv, (long)sizeMib * 1024 * 1024);
            var small = Path.Combine(work, "small");
            MakeSmallFiles(small, fileCount);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sizeMib} MiB CSV; {fileCount} files of ~1 KiB; {Environment.ProcessorCount} cores; .NET {Environment.Version}; ratio = baseline time / s3s2 time (higher is better)"));
            Console.WriteLine(buildOutput
                ? $"s3s2 = 'dotnet {_buildOutput}' (the build output, compiled as it starts; --build-output)"
                : native
                    ? $"s3s2 = the installed native tool '{tool}' (dotnet pack, dotnet pack -r {InstalledCli.Platform} -p:Native=true, then dotnet tool install: native AOT, no runtime start, no JIT; --native)"
                    : $"s3s2 = the installed tool '{tool}' (dotnet pack, then dotnet tool install: the ReadyToRun package for {InstalledCli.Platform}, as users get it)");
            Console.WriteLine("CPU = user + system seconds of the whole process (getrusage of the ended child), s3s2 / baseline");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"large- and small-file rows: {repeat} alternated runs each, medians; {(warmBytes > 0 ? $"{warmBytes >> 20} MiB of page cache written and freed before each run (--cold-pages: not)" : "no page warming (--cold-pages)")}"));
            Console.WriteLine();
            Header();

            // Start-up, in every row: a share of a 1-line file, the tool and the build output, and a decrypt of a 1-line
            // message (the secret key's loading), each the median of 5 runs.
            if (Wants("start"))
            {
                var line = Path.Combine(work, "one-line.csv");
                await File.WriteAllTextAsync(line, "id,amount\n1,2.50\n");
                var store = Path.Combine(work, "store-one");
                var gpgOne = await MedianAsync(() => TimeAsync("gpg", [.. gpgTo, "-o", Path.Combine(work, "one-line.csv.gpg"), "--encrypt", line]));
                var toolOne = await MedianAsync(() => TimeAsync(tool, ["share", line, "--to", store, "--prefix", Prefix, "--pgp-key", publicKey]));
                var builtOne = await MedianAsync(() => TimeAsync("dotnet", [_buildOutput, "share", line, "--to", store, "--prefix", Prefix, "--pgp-key", publicKey]));
                Row($"share a 1-line file --to DIR ({toolName})", toolOne, "gpg --encrypt", gpgOne, null);
                Row("same, 'dotnet s3s2.dll' (build output)", builtOne, "gpg --encrypt", gpgOne, null);
                Line(string.Create(CultureInfo.InvariantCulture, $"{$"start-up: {toolName} / build output",-44} {builtOne.Seconds / toolOne.Seconds,8:F2}x faster, CPU {toolOne.CpuSeconds:F2} s vs {builtOne.CpuSeconds:F2} s"));

                // The receive side's start-up: loading the secret key and unlocking it, in every decrypt and receive.
                var message = Path.Combine(work, "one-line.csv.gpg");
                var gpgDecryptOne = await MedianAsync(() => TimeAsync("gpg", ["--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", string.Empty, "-o", Path.Combine(work, "one-line.gpg.out"), "--decrypt", message]));
                var toolDecryptOne = await MedianAsync(() => TimeAsync(tool, ["decrypt", message, "--out", Path.Combine(work, "one-line.s3s2.out"), "--pgp-secret-key", secretKey]));
                Row($"decrypt a 1-line message gpg wrote ({toolName})", toolDecryptOne, "gpg --decrypt", gpgDecryptOne, null);
                await SameBytesAsync(line, Path.Combine(work, "one-line.s3s2.out"));
                Delete(store, message, Path.Combine(work, "one-line.gpg.out"), Path.Combine(work, "one-line.s3s2.out"));
            }

            // Target 1: OpenPGP encrypt, 512 MiB, to a local folder store.
            if (Wants("pgp"))
            {
                var (shareNone, gpgNone) = await AlternateAsync(
                    () => TimeAsync("gpg", [.. gpgTo, "--compress-algo", "none", "-o", Path.Combine(work, "gpg-none.gpg"), "--encrypt", csv]),
                    () => TimeAsync(_cli, [.. _cliPrefix, "share", csv, "--to", Path.Combine(work, "store-none"), "--prefix", Prefix, "--pgp-key", publicKey, "--compress", "none"]),
                    Path.Combine(work, "store-none"), baselineOutput: Path.Combine(work, "gpg-none.gpg"));
                Row($"share {sizeMib} MiB --compress none --to DIR", shareNone, "gpg --encrypt --compress-algo none", gpgNone, "1.5");
                var (shareZlib, gpgZlib) = await AlternateAsync(
                    () => TimeAsync("gpg", [.. gpgTo, "-o", Path.Combine(work, "gpg-default.gpg"), "--encrypt", csv]),
                    () => TimeAsync(_cli, [.. _cliPrefix, "share", csv, "--to", Path.Combine(work, "store-zlib"), "--prefix", Prefix, "--pgp-key", publicKey, "--compress", "zlib"]),
                    Path.Combine(work, "store-zlib"), baselineOutput: Path.Combine(work, "gpg-default.gpg"));
                Row($"share {sizeMib} MiB --compress zlib --to DIR", shareZlib, "gpg --encrypt (default compression)", gpgZlib, "4");
                var ourSize = Directory.GetFiles(Path.Combine(work, "store-zlib"), "data.csv.gpg", SearchOption.AllDirectories).Single();
                Line(string.Create(CultureInfo.InvariantCulture, $"{"  compressed size, s3s2 zlib / gpg default",-44} {new FileInfo(ourSize).Length / 1048576.0,9:F1} MiB / {new FileInfo(Path.Combine(work, "gpg-default.gpg")).Length / 1048576.0:F1} MiB ({(double)new FileInfo(ourSize).Length / new FileInfo(Path.Combine(work, "gpg-default.gpg")).Length:F2}x gpg's size)"));
                Delete(Path.Combine(work, "store-zlib"), Path.Combine(work, "gpg-default.gpg"));

                // Target 2: decrypt a message gpg wrote, and receive the share s3s2 wrote.
                var gpgDecryptCommand = new[] { "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", string.Empty, "-o", Path.Combine(work, "gpg.out"), "--decrypt", Path.Combine(work, "gpg-none.gpg") };
                var (decrypt, gpgDecrypt) = await AlternateAsync(
                    () => TimeAsync("gpg", gpgDecryptCommand),
                    () => TimeAsync(_cli, [.. _cliPrefix, "decrypt", Path.Combine(work, "gpg-none.gpg"), "--out", Path.Combine(work, "s3s2.out"), "--pgp-secret-key", secretKey]),
                    Path.Combine(work, "s3s2.out"), baselineOutput: Path.Combine(work, "gpg.out"));
                Row($"decrypt {sizeMib} MiB gpg wrote", decrypt, "gpg --decrypt", gpgDecrypt, "1.0");
                await SameBytesAsync(csv, Path.Combine(work, "s3s2.out"));
                Delete(Path.Combine(work, "s3s2.out"));
                var (receive, gpgDecryptAgain) = await AlternateAsync(
                    () => TimeAsync("gpg", gpgDecryptCommand),
                    () => TimeAsync(_cli, [.. _cliPrefix, "receive", "--from", Path.Combine(work, "store-none"), "--prefix", Prefix, "--out", Path.Combine(work, "inbox-none"), "--pgp-secret-key", secretKey]),
                    Path.Combine(work, "inbox-none"), baselineOutput: Path.Combine(work, "gpg.out"));
                Row($"receive {sizeMib} MiB share --from DIR", receive, "gpg --decrypt", gpgDecryptAgain, "0.9");
                Delete(Path.Combine(work, "gpg.out"), Path.Combine(work, "gpg-none.gpg"));
                await SameBytesAsync(csv, Directory.GetFiles(Path.Combine(work, "inbox-none"), "data.csv", SearchOption.AllDirectories).Single());
                Delete(Path.Combine(work, "store-none"), Path.Combine(work, "inbox-none"));
            }

            // Target 3: many small files, RSA-3072, alternated like the large-file rows: a single run of a 0.4-0.8 s row
            // moves by a fifth. gpg --encrypt-files writes next to its inputs and --decrypt-files next to the messages,
            // so each of its runs gets fresh copies (made before its timing starts) in a folder of its own; the share
            // reads a fresh copy too (made the same way), so both sides start from files just written.
            if (Wants("small"))
            {
                var (gpgSmall, gpgDecrypted) = (Path.Combine(work, "gpg-small"), Path.Combine(work, "gpg-small-decrypted"));
                var ourSmall = Path.Combine(work, "s3s2-small");
                var (storeSmall, inboxSmall) = (Path.Combine(ourSmall, "store"), Path.Combine(work, "inbox-small"));
                var (shareSmall, gpgEncryptFiles) = await AlternateAsync(
                    () => TimeAsync("gpg", [.. gpgTo, "--encrypt-files", .. Directory.GetFiles(CopyTree(small, gpgSmall), "*", SearchOption.AllDirectories)]),
                    () => TimeAsync(_cli, [.. _cliPrefix, "share", CopyTree(small, Path.Combine(ourSmall, "small")), "--to", storeSmall, "--prefix", Prefix, "--pgp-key", publicKey]),
                    ourSmall, baselineOutput: gpgSmall);
                Row($"share {fileCount} x 1 KiB --to DIR (RSA-3072)", shareSmall, "gpg --encrypt-files", gpgEncryptFiles, "0.5");

                // gpg's last share run left its messages beside its inputs: without the inputs, each decrypt run copies them.
                foreach (var input in Directory.GetFiles(gpgSmall, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".gpg", StringComparison.Ordinal)))
                {
                    File.Delete(input);
                }

                var (receiveSmall, gpgDecryptFiles) = await AlternateAsync(
                    () => TimeAsync("gpg", ["--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", string.Empty, "--decrypt-files", .. Directory.GetFiles(CopyTree(gpgSmall, gpgDecrypted), "*", SearchOption.AllDirectories)]),
                    () => TimeAsync(_cli, [.. _cliPrefix, "receive", "--from", storeSmall, "--prefix", Prefix, "--out", inboxSmall, "--pgp-secret-key", secretKey]),
                    inboxSmall, baselineOutput: gpgDecrypted);
                Row($"receive {fileCount} x 1 KiB --from DIR", receiveSmall, "gpg --decrypt-files", gpgDecryptFiles, "1.0");
                var sent = Directory.GetFiles(small, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
                var received = Directory.GetFiles(inboxSmall, "part-*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
                if (received.Length != sent.Length)
                {
                    throw new InvalidOperationException($"The receive wrote {received.Length} files, the share had {sent.Length}.");
                }

                for (var i = 0; i < sent.Length; i++)
                {
                    await SameBytesAsync(sent[i], received[i]);
                }

                Delete(gpgSmall, gpgDecrypted, ourSmall, inboxSmall);
            }

            if (Wants("s3"))
            {

                var bucket = await _s3.CreateBucketAsync();
                // The share's own default concurrency, so both run as many uploads at once.
                var concurrency = new S3S2.Sharing.ShareClientOptions().MaxConcurrentFiles;
                var putLoop = await TimeAsync("dotnet", [_self, "rows", "put-loop", small, _s3.Endpoint, bucket, concurrency.ToString(CultureInfo.InvariantCulture)]);
                var shareSmallS3 = await TimeAsync(_cli, [.. _cliPrefix, "share", small, "--bucket", bucket, "--endpoint", _s3.Endpoint, "--prefix", Prefix, "--pgp-key", publicKey]);
                Row($"share {fileCount} x 1 KiB to local S3 (RSA-3072)", shareSmallS3, $"PutObject loop, {concurrency} at a time", putLoop, "0.8");
                var shareSmallS3Kms = await TimeAsync(_cli, [.. _cliPrefix, "share", small, "--bucket", bucket, "--endpoint", _s3.Endpoint, "--prefix", Prefix, "--kms-key", kmsKey, "--kms-endpoint", kms.Endpoint]);
                Row($"share {fileCount} x 1 KiB to local S3 (KMS)", shareSmallS3Kms, $"PutObject loop, {concurrency} at a time", putLoop, "0.8");
            }

            // Target 4: KMS envelope, large file, and the KMS calls of a share of many files and its receive.
            if (Wants("kms"))
            {
                var (shareKms, openssl) = await AlternateAsync(
                    () => TimeAsync("openssl", ["enc", "-aes-256-ctr", "-K", new string('1', 64), "-iv", new string('2', 32), "-in", csv, "-out", Path.Combine(work, "openssl.out")]),
                    () => TimeAsync(_cli, [.. _cliPrefix, "share", csv, "--to", Path.Combine(work, "store-kms"), "--prefix", Prefix, "--kms-key", kmsKey, "--kms-endpoint", kms.Endpoint]),
                    Path.Combine(work, "store-kms"), baselineOutput: Path.Combine(work, "openssl.out"));
                Row($"share {sizeMib} MiB --kms-key --to DIR", shareKms, "openssl enc -aes-256-ctr", openssl, "0.8");
                Delete(Path.Combine(work, "openssl.out"), Path.Combine(work, "store-kms"));
            }

            if (Wants("calls"))
            {

                var callsBefore = Count(kms, kmsKey);
                await TimeAsync(_cli, [.. _cliPrefix, "share", small, "--to", Path.Combine(work, "store-kms-small"), "--prefix", Prefix, "--kms-key", kmsKey, "--kms-endpoint", kms.Endpoint]);
                var generate = Count(kms, kmsKey).Generate - callsBefore.Generate;
                await TimeAsync(_cli, [.. _cliPrefix, "receive", "--from", Path.Combine(work, "store-kms-small"), "--prefix", Prefix, "--out", Path.Combine(work, "inbox-kms-small"), "--kms-key", kmsKey, "--kms-endpoint", kms.Endpoint]);
                var decrypts = Count(kms, kmsKey).Decrypt - callsBefore.Decrypt;
                Line(string.Create(CultureInfo.InvariantCulture, $"{$"KMS calls, share of {fileCount} files",-44} {generate,9} GenerateDataKey (target 1; before: {fileCount + 1})"));
                Line(string.Create(CultureInfo.InvariantCulture, $"{$"KMS calls, receive of that share",-44} {decrypts,9} Decrypt (target 1 per distinct data key)"));
                Delete(Path.Combine(work, "store-kms-small"), Path.Combine(work, "inbox-kms-small"));
            }

            // Target 5: peak RSS of a share to local S3, small vs large.
            if (Wants("rss"))
            {
                var rssSmall = await ShareToS3Async(rssSmallMib, publicKey);
                var rssLarge = await ShareToS3Async(rssMib, publicKey);
                Line(string.Create(CultureInfo.InvariantCulture, $"{$"peak RSS, share {rssSmallMib} MiB to local S3",-44} {Mib(rssSmall.PeakBytes),9} MiB  {rssSmall.Seconds,6:F2} s"));
                Line(string.Create(CultureInfo.InvariantCulture, $"{$"peak RSS, share {rssMib} MiB to local S3",-44} {Mib(rssLarge.PeakBytes),9} MiB  {rssLarge.Seconds,6:F2} s  (target <= 256 MiB)"));
                Line(string.Create(CultureInfo.InvariantCulture, $"{"peak RSS ratio large / small",-44} {rssLarge.PeakBytes / (double)rssSmall.PeakBytes,9:F2}x      (target <= 1.2x)"));
            }

            return 0;
        }

        private bool Wants(string group) => only is null || only.Contains(group, StringComparer.Ordinal);

        public void Dispose()
        {
            try
            {
                RunAsync("gpgconf", ["--kill", "gpg-agent"]).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // gpg-agent was not started.
            }

            LocalS3Server.StopIfStarted();
            LocalKmsServer.StopIfStarted();
        }

        private static string PrivateDirectory(string path)
        {
            Directory.CreateDirectory(path);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            return path;
        }

        private static (int Generate, int Decrypt) Count(LocalKmsServer kms, string key) =>
            (kms.CallsFor(key).Count(c => c.Operation == "GenerateDataKey"), kms.CallsFor(key).Count(c => c.Operation == "Decrypt"));

        private async Task<Measurement> ShareToS3Async(int mib, string publicKey)
        {
            var data = Path.Combine(work, $"random-{mib}.bin");
            await using (var file = File.Create(data))
            {
                var buffer = new byte[1024 * 1024];
                var random = new Random(mib);
                for (var i = 0; i < mib; i++)
                {
                    random.NextBytes(buffer);
                    await file.WriteAsync(buffer);
                }
            }

            var bucket = await _s3!.CreateBucketAsync();
            var measured = await TimeAsync(_cli, [.. _cliPrefix, "share", data, "--bucket", bucket, "--endpoint", _s3.Endpoint, "--prefix", Prefix, "--pgp-key", publicKey, "--compress", "none"]);
            Delete(data);
            foreach (var stored in Directory.GetDirectories(_s3.DataDirectory!, bucket, SearchOption.TopDirectoryOnly))
            {
                Directory.Delete(stored, recursive: true);
            }

            return measured;
        }

        private void Header()
        {
            Line($"{"work",-44} {"s3s2 s",9} {"baseline",-38} {"base s",8} {"ratio",7} {"target",7} {"s3s2 peak RSS",14}  {"CPU s3s2/base",14}");
        }

        private void Row(string work, Measurement ours, string baselineName, Measurement baseline, string? target)
        {
            var ratio = baseline.Seconds / ours.Seconds;
            var met = target is null ? string.Empty : ratio >= double.Parse(target, CultureInfo.InvariantCulture) ? "met" : "MISSED";
            var goal = target is null ? "-" : ">=" + target + "x";
            Line(string.Create(CultureInfo.InvariantCulture, $"{work,-44} {ours.Seconds,9:F2} {baselineName,-38} {baseline.Seconds,8:F2} {ratio,6:F2}x {goal,7} {Mib(ours.PeakBytes),10} MiB  {ours.CpuSeconds,6:F2}/{baseline.CpuSeconds,-6:F2}  {met}"));
        }

        /// <summary>
        /// Runs the baseline and s3s2 alternately (baseline first) <c>--repeat</c> times; returns the run of median wall
        /// time of each and prints each side's spread. Each side's output (<paramref name="output"/>, <paramref name="baselineOutput"/>)
        /// is deleted before each of its runs, since the CLI refuses to overwrite and the baseline must not pay for
        /// overwriting (truncating the 512 MiB output of its run before, which the page cache still held, cost gpg about
        /// 0.3 s of each run here), and kept after its last run for the rows that read it. Every run starts synced
        /// (<see cref="TimeAsync"/>). Prints the machine's state during the row too (<see cref="MachineSpeedAsync"/>).
        /// </summary>
        private async Task<(Measurement Ours, Measurement Baseline)> AlternateAsync(Func<Task<Measurement>> baseline, Func<Task<Measurement>> ours, string output, string baselineOutput)
        {
            var (baselines, ourRuns, warming) = (new List<Measurement>(), new List<Measurement>(), new List<double>());
            var speedBefore = await MachineSpeedAsync();
            for (var i = 0; i < repeat; i++)
            {
                Delete(baselineOutput);
                warming.Add(WarmPages());
                baselines.Add(await baseline());
                Delete(output);
                warming.Add(WarmPages());
                ourRuns.Add(await ours());
            }

            if (repeat > 1)
            {
                Line(string.Create(CultureInfo.InvariantCulture, $"{$"  (next row) {repeat} runs, s3s2 / baseline",-44} {string.Join(' ', ourRuns.Select(r => r.Seconds.ToString("F2", CultureInfo.InvariantCulture)))} / {string.Join(' ', baselines.Select(r => r.Seconds.ToString("F2", CultureInfo.InvariantCulture)))} s"));
            }

            Line($"{"  (next row) machine, before / after its runs",-44} {speedBefore} / {await MachineSpeedAsync()}");
            if (warmBytes > 0)
            {
                Line(string.Create(CultureInfo.InvariantCulture, $"{"  (next row) machine, page-cache writes",-44} {warmBytes / warming.Max() / 1e9:F2}-{warmBytes / warming.Min() / 1e9:F2} GB/s (the warming before each run)"));
            }

            return (Median(ourRuns), Median(baselines));
        }

        /// <summary>
        /// The machine's CPU speed now: <c>openssl speed</c> SHA-256 over 1 MiB blocks for a second on one core and on
        /// two processes at once, in MB/s. Printed before and after each large-file row, with the page-cache write speed
        /// of the warming before each of its runs, so that a slow row can be told from a slow machine. Both move on this
        /// virtual machine: the two-core figure once fell to 1.31x the one-core figure after a row (1,839 against 2,600
        /// to 2,800 MB/s) while the one-core figure held, which slows s3s2 (both cores) and not a single-threaded
        /// baseline; and in some runs s3s2's system time for the same decrypt was three to six times its usual 0.25 to
        /// 0.35 s with its user time unchanged (docs/performance.md, "How far to trust one run").
        /// </summary>
        private async Task<string> MachineSpeedAsync()
        {
            var one = await ShaSpeedAsync([]);
            var two = await ShaSpeedAsync(["-multi", "2"]);
            return string.Create(CultureInfo.InvariantCulture, $"SHA-256 {one:F0} MB/s on 1 core, {two:F0} on 2 ({two / one:F2}x)");
        }

        private async Task<double> ShaSpeedAsync(string[] options)
        {
            // The result line: "sha256   1209008.13k" (bytes per second in thousands, for the one block size asked).
            var output = await MustAsync("openssl", ["speed", "-seconds", "1", "-bytes", "1048576", .. options, "-evp", "sha256"]);
            var result = output.Split('\n').Last(l => l.StartsWith("sha256", StringComparison.Ordinal));
            return double.Parse(result.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1].TrimEnd('k'), CultureInfo.InvariantCulture) / 1000;
        }

        /// <summary>
        /// Writes and deletes <c>warmBytes</c> of a scratch file, so that the next run gets host-backed pages (see the top
        /// of this file); returns how long the writing took, in seconds (0 without warming).
        /// </summary>
        private double WarmPages()
        {
            if (warmBytes == 0)
            {
                return 0;
            }

            var watch = Stopwatch.StartNew();
            var scratch = Path.Combine(work, "warm-pages.tmp");
            using (var file = new FileStream(scratch, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                var block = new byte[1024 * 1024];
                for (long written = 0; written < warmBytes; written += block.Length)
                {
                    file.Write(block);
                }
            }

            var seconds = watch.Elapsed.TotalSeconds;
            File.Delete(scratch);
            return seconds;
        }

        /// <summary>The run of median wall time (of an even count, the slower of the middle two).</summary>
        private static Measurement Median(List<Measurement> runs) => runs.OrderBy(r => r.Seconds).ElementAt(runs.Count / 2);

        /// <summary>The run of median wall time of five: a single short run on a shared machine says little.</summary>
        private static async Task<Measurement> MedianAsync(Func<Task<Measurement>> run)
        {
            var runs = new List<Measurement>();
            for (var i = 0; i < 5; i++)
            {
                runs.Add(await run());
            }

            return Median(runs);
        }

        private void Line(string line)
        {
            _lines.Add(line);
            Console.WriteLine(line);
        }

        private static string Mib(long bytes) => bytes < 0 ? "-" : (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);

        private static void MakeSmallFiles(string folder, int count)
        {
            var random = new Random(7);
            for (var i = 0; i < count; i++)
            {
                var path = Path.Combine(folder, $"d{i / 100:D2}", $"part-{i:D5}.csv");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var writer = new StreamWriter(path);
                var written = 0;
                var target = 1000 + random.Next(100);
                while (written < target)
                {
                    var line = string.Create(CultureInfo.InvariantCulture, $"{i},{random.Next(100000)},{random.Next(100000) / 100.0:F2},EUR\n");
                    writer.Write(line);
                    written += line.Length;
                }
            }
        }

        private static string CopyTree(string from, string to)
        {
            foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            return to;
        }

        private static void Delete(params string[] paths)
        {
            foreach (var path in paths)
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                else
                {
                    File.Delete(path);
                }
            }
        }

        private static async Task SameBytesAsync(string expected, string actual)
        {
            await using var a = File.OpenRead(expected);
            await using var b = File.OpenRead(actual);
            var (bufferA, bufferB) = (new byte[1 << 20], new byte[1 << 20]);
            while (true)
            {
                var read = await a.ReadAtLeastAsync(bufferA, bufferA.Length, throwOnEndOfStream: false);
                var readB = await b.ReadAtLeastAsync(bufferB, bufferB.Length, throwOnEndOfStream: false);
                if (read != readB || !bufferA.AsSpan(0, read).SequenceEqual(bufferB.AsSpan(0, readB)))
                {
                    throw new InvalidOperationException($"'{actual}' differs from '{expected}'.");
                }

                if (read == 0)
                {
                    return;
                }
            }
        }

        private async Task<string> MustAsync(string program, string[] arguments)
        {
            var (_, output) = await RunAsync(program, arguments);
            return output;
        }

        /// <summary>Times a run that starts with nothing dirty in the page cache: the write-back of an earlier run is not this one's.</summary>
        private async Task<Measurement> TimeAsync(string program, string[] arguments)
        {
            await RunAsync("sync", []);
            var (measurement, _) = await RunAsync(program, arguments);
            return measurement;
        }

        /// <summary>Runs a process to its end; its wall time and peak RSS (VmHWM, polled until it exits).</summary>
        private async Task<(Measurement, string)> RunAsync(string program, string[] arguments)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = work };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (name, value) in _environment.Count == 0 ? new Dictionary<string, string?> { ["GNUPGHOME"] = _gpgHome } : _environment)
            {
                start.Environment[name] = value;
            }

            var cpuBefore = ChildCpu.Seconds();
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            var peak = -1L;
            var cpu = 0.0;
            var status = $"/proc/{process.Id}/status";
            var stat = $"/proc/{process.Id}/stat";
            while (!process.HasExited)
            {
                try
                {
                    var line = (await File.ReadAllLinesAsync(status)).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                    if (line is not null)
                    {
                        peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024);
                    }

                    // utime and stime (fields 14 and 15, in clock ticks of 1/100 s), after the command name in parentheses.
                    var statLine = await File.ReadAllTextAsync(stat);
                    var fields = statLine[(statLine.LastIndexOf(')') + 2)..].Split(' ');
                    cpu = Math.Max(cpu, (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0);
                }
                catch (IOException)
                {
                    // It exited between the check and the read.
                }

                // VmHWM is a high-water mark, so a slow poll still sees the peak once the process has held it for a
                // moment. Polling every 10 ms throughout took about a fifth of a core from the measured process on two
                // cores, which costs a program using both cores (s3s2) more than a single-threaded baseline (gpg).
                await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(watch.Elapsed < TimeSpan.FromSeconds(0.5) ? 10 : 200));
            }

            await process.WaitForExitAsync();
            var seconds = watch.Elapsed.TotalSeconds;
            var cpuAfter = ChildCpu.Seconds();
            if (!double.IsNaN(cpuAfter) && cpuAfter > cpuBefore)
            {
                cpu = cpuAfter - cpuBefore;
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} {string.Join(' ', arguments.Take(4))}... failed ({process.ExitCode}): {await error}");
            }

            return (new Measurement(seconds, peak, cpu), await output);
        }
    }

    /// <param name="Seconds">Wall time.</param>
    /// <param name="PeakBytes">Peak resident memory (VmHWM).</param>
    /// <param name="CpuSeconds">User and system CPU time of the whole process (getrusage of the ended child; where that is not available, as last polled).</param>
    private sealed record Measurement(double Seconds, long PeakBytes, double CpuSeconds);
}
