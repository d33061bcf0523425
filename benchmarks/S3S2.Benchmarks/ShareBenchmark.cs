using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using S3S2.Sharing;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Benchmarks;

// Share throughput and peak memory on one large CSV, against baselines measured in the same run.
//
//   dotnet run -c Release --project benchmarks/S3S2.Benchmarks -- [--size-mib 1024] [--dir DIR]
//
// The same file also goes through a share session's writable file (OpenWriteAsync, 64 KiB writes), whose speed and
// peak memory are compared with ShareAsync's: the pipe in between must cost neither.
// Each measurement runs in its own child process so its peak resident memory (VmHWM) is its own.
// Baselines: reading the file with SHA-256 (the floor: the share reads and hashes every byte once) and
// `gpg --encrypt` to the same key (what partners would otherwise run), uncompressed and with zlib.
internal static class ShareBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = args.ToList();
        if (arguments.FirstOrDefault() == "one")
        {
            return await RunOneAsync(arguments[1], arguments[2], arguments[3], arguments[4]);
        }

        var sizeMib = OptionValue("--size-mib", 1024);
        var work = arguments.IndexOf("--dir") is var d and >= 0 ? arguments[d + 1] : Path.Combine(Path.GetTempPath(), "s3s2-bench");
        Directory.CreateDirectory(work);
        var csv = Path.Combine(work, $"data-{sizeMib}MiB.csv");
        var keyPath = Path.Combine(work, "receiver.pub.asc");
        var gpgHome = Directory.CreateTempSubdirectory("s3s2-bench-gnupg-").FullName;
        try
        {
            MakeCsv(csv, (long)sizeMib * 1024 * 1024);
            var key = OpenPgpKeyGenerator.Generate("Bench receiver <bench@s3s2.test>");
            File.WriteAllText(keyPath, key.PublicKeyArmored);
            Run("gpg", ["--batch", "--import", keyPath], gpgHome);

            var results = new List<(string Name, double Seconds, long PeakBytes)>
            {
                Child("read + SHA-256 (floor)", "hash", csv, keyPath, work),
                Timed("gpg --encrypt -z 0 (baseline)", "gpg", ["--batch", "--yes", "--trust-model", "always", "-z", "0", "--cipher-algo", "AES256", "-r", key.Fingerprint, "-o", Path.Combine(work, "gpg-none.gpg"), "--encrypt", csv], gpgHome),
                Child("s3s2 share, no compression", "none", csv, keyPath, work),
                Child("s3s2 session writable file", "writer", csv, keyPath, work),
                Timed("gpg --encrypt zlib (baseline)", "gpg", ["--batch", "--yes", "--trust-model", "always", "--compress-algo", "zlib", "--cipher-algo", "AES256", "-r", key.Fingerprint, "-o", Path.Combine(work, "gpg-zlib.gpg"), "--encrypt", csv], gpgHome),
                Child("s3s2 share, zlib", "zlib", csv, keyPath, work),
            };

            var megabytes = sizeMib * 1.048576;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sizeMib} MiB CSV, {Environment.ProcessorCount} cores, local folder store"));
            Console.WriteLine($"{"measurement",-32} {"seconds",8} {"MB/s",8} {"peak RSS MiB",13}");
            foreach (var (name, seconds, peak) in results)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-32} {seconds,8:F2} {megabytes / seconds,8:F1} {(peak < 0 ? "-" : (peak / 1048576.0).ToString("F0", CultureInfo.InvariantCulture)),13}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio s3s2/gpg, no compression: {results[1].Seconds / results[2].Seconds:F2}x gpg's speed"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio s3s2/gpg, zlib:           {results[4].Seconds / results[5].Seconds:F2}x gpg's speed"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio writable file/ShareAsync:  {results[2].Seconds / results[3].Seconds:F2}x the speed, {results[3].PeakBytes / (double)results[2].PeakBytes:F2}x the peak memory"));
            return 0;
        }
        finally
        {
            Run("gpgconf", ["--kill", "gpg-agent"], gpgHome);
            Directory.Delete(gpgHome, recursive: true);
            foreach (var output in Directory.GetFiles(work, "*.gpg").Concat(Directory.GetDirectories(work)))
            {
                if (Directory.Exists(output))
                {
                    Directory.Delete(output, recursive: true);
                }
                else
                {
                    File.Delete(output);
                }
            }
        }

        int OptionValue(string name, int fallback) =>
            arguments.IndexOf(name) is var i and >= 0 ? int.Parse(arguments[i + 1], CultureInfo.InvariantCulture) : fallback;

        static (string, double, long) Timed(string name, string program, string[] programArguments, string gpgHome)
        {
            var watch = Stopwatch.StartNew();
            Run(program, programArguments, gpgHome);
            return (name, watch.Elapsed.TotalSeconds, -1);
        }

        static (string, double, long) Child(string name, string mode, string csv, string keyPath, string work)
        {
            var self = typeof(Program).Assembly.Location;
            var output = Run("dotnet", [self, "one", mode, csv, keyPath, work], null);
            var parts = output.Trim().Split(' ');
            return (name, double.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
        }

        static string Run(string program, string[] programArguments, string? gpgHome)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in programArguments)
            {
                start.ArgumentList.Add(argument);
            }

            if (gpgHome is not null)
            {
                start.Environment["GNUPGHOME"] = gpgHome;
            }

            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {error.Result}");
        }

        static async Task<int> RunOneAsync(string mode, string csv, string keyPath, string work)
        {
            var watch = Stopwatch.StartNew();
            if (mode == "hash")
            {
                using var file = File.OpenRead(csv);
                await SHA256.HashDataAsync(file);
            }
            else
            {
                var store = Path.Combine(work, "store-" + mode);
                var services = new ServiceCollection();
                services.AddS3S2Sharing()
                    .AddOpenPgpEncryption(o =>
                    {
                        o.RecipientKeys.Add(OpenPgpKeySource.FromFile(keyPath));
                        o.Compression = mode == "zlib" ? OpenPgpCompression.Zlib : OpenPgpCompression.None;
                    })
                    .AddLocalFolderStore(store);
                await using var provider = services.BuildServiceProvider();
                if (mode == "writer")
                {
                    // A producer writing 64 KiB at a time into a session's writable file, as an export would.
                    await using var share = await provider.GetRequiredService<IShareClient>().BeginShareAsync();
                    await using (var writer = await share.OpenWriteAsync(Path.GetFileName(csv)))
                    await using (var file = File.OpenRead(csv))
                    {
                        await file.CopyToAsync(writer, 64 * 1024);
                    }

                    await share.CompleteAsync();
                }
                else
                {
                    await provider.GetRequiredService<IShareClient>().ShareAsync([csv]);
                }
            }

            var seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F3} {Process.GetCurrentProcess().PeakWorkingSet64}"));
            return 0;
        }
    }

    /// <summary>Writes a CSV of exactly <paramref name="size"/> bytes (orders-like rows, seeded), unless one is already there.</summary>
    internal static void MakeCsv(string path, long size)
    {
        if (File.Exists(path) && new FileInfo(path).Length == size)
        {
            return;
        }

        var random = new Random(42);
        using var file = new StreamWriter(path);
        long written = 0;
        for (var row = 0L; written < size; row++)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{row},C-{random.Next(100000)},2026-11-{1 + random.Next(28):D2}T{random.Next(24):D2}:{random.Next(60):D2}:00Z,{random.Next(100000) / 100.0:F2},{(random.Next(2) == 0 ? "EUR" : "USD")}\n");
            if (written + line.Length > size)
            {
                line = line[..(int)(size - written)];
            }

            file.Write(line);
            written += line.Length;
        }
    }
}
