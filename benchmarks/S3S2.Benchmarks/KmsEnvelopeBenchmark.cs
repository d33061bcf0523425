using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Benchmarks;

// Encrypts and decrypts one large file with the KMS envelope encryptor and prints MB/s, with ratios against
// baselines measured in the same run on the same bytes: raw AesGcm in 64 KiB chunks (no I/O) and a plain file copy.
//
//   dotnet run -c Release --project benchmarks/S3S2.Benchmarks -- [MiB] [folder]
// MiB defaults to 1024; folder defaults to the temp folder. The files are deleted at the end.
internal static class KmsEnvelopeBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mebibytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1024;
        var folder = args.Length > 1
            ? Directory.CreateDirectory(Path.Combine(args[1], "s3s2-bench-" + Guid.NewGuid().ToString("N")[..8])).FullName
            : Directory.CreateTempSubdirectory("s3s2-bench-").FullName;
        var size = (long)mebibytes * 1024 * 1024;
        const int Chunk = 64 * 1024;
        try
        {
            var plainPath = Path.Combine(folder, "plain.csv");
            WriteInput(plainPath, size);
            Console.WriteLine($"Input: {mebibytes} MiB at {plainPath}; {Environment.ProcessorCount} cores; .NET {Environment.Version}");

            var copy = Measure("baseline: file copy (read + write, no crypto)", size, () =>
            {
                File.Copy(plainPath, Path.Combine(folder, "copy"), overwrite: true);
                return Task.CompletedTask;
            });
            File.Delete(Path.Combine(folder, "copy"));
            var raw = Measure("baseline: raw AesGcm, 64 KiB chunks, in memory", size, () =>
            {
                using var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
                var plain = RandomNumberGenerator.GetBytes(Chunk);
                var cipher = new byte[Chunk];
                var tag = new byte[16];
                var nonce = new byte[12];
                for (long done = 0; done < size; done += Chunk)
                {
                    nonce[^1]++;
                    aes.Encrypt(nonce, plain, cipher, tag);
                }

                return Task.CompletedTask;
            });

            using var server = CreateServer(out var key);
            using var kms = server.CreateClient();
            foreach (var suite in new[] { KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384 })
            {
                var encryptedPath = Path.Combine(folder, "plain.csv.encrypted");
                var name = suite == KmsAlgorithmSuite.AesGcm256HkdfSha512Commit ? "0x0478" : "0x0578";
                var encrypt = Measure($"s3s2 KMS envelope {name} encrypt (file -> file, 64 KiB frames)", size, async () =>
                {
                    using var encryptor = new KmsEnvelopeEncryptor(kms, false, [key], suite, KmsEnvelopeEncryptionOptions.DefaultFrameLength, new Dictionary<string, string>());
                    await using var input = new FileStream(plainPath, FileMode.Open, FileAccess.Read, FileShare.Read, Chunk, useAsync: true);
                    await using var output = new FileStream(encryptedPath, FileMode.Create, FileAccess.Write, FileShare.None, Chunk, useAsync: true);
                    await encryptor.EncryptAsync(input, output, new EncryptionContext("bench", "plain.csv"));
                });
                var decrypt = Measure($"s3s2 KMS envelope {name} decrypt (file -> file, verified)", size, async () =>
                {
                    await using var input = new FileStream(encryptedPath, FileMode.Open, FileAccess.Read, FileShare.Read, Chunk, useAsync: true);
                    await using var output = new FileStream(Path.Combine(folder, "decrypted"), FileMode.Create, FileAccess.Write, FileShare.None, Chunk, useAsync: true);
                    await KmsEnvelopeDecryption.DecryptAsync(input, output, kms, [key]);
                });
                var decryptToNull = Measure($"s3s2 KMS envelope {name} decrypt (file -> null sink, verified)", size, async () =>
                {
                    await using var input = new FileStream(encryptedPath, FileMode.Open, FileAccess.Read, FileShare.Read, Chunk, useAsync: true);
                    await KmsEnvelopeDecryption.DecryptAsync(input, Stream.Null, kms, [key]);
                });
                var encryptToNull = Measure($"s3s2 KMS envelope {name} encrypt (file -> null sink)", size, async () =>
                {
                    using var encryptor = new KmsEnvelopeEncryptor(kms, false, [key], suite, KmsEnvelopeEncryptionOptions.DefaultFrameLength, new Dictionary<string, string>());
                    await using var input = new FileStream(plainPath, FileMode.Open, FileAccess.Read, FileShare.Read, Chunk, useAsync: true);
                    await encryptor.EncryptAsync(input, Stream.Null, new EncryptionContext("bench", "plain.csv"));
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name} without output I/O: encrypt = {encryptToNull / raw:P0} of raw AesGcm, decrypt = {decryptToNull / raw:P0} of raw AesGcm"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: encrypt = {encrypt / raw:P0} of raw AesGcm, {encrypt / copy:P0} of file copy; decrypt = {decrypt / raw:P0} of raw AesGcm, {decrypt / copy:P0} of file copy"));
                File.Delete(Path.Combine(folder, "decrypted"));
                File.Delete(encryptedPath);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        static double Measure(string what, long bytes, Func<Task> run)
        {
            var before = GC.GetTotalAllocatedBytes(precise: false);
            var clock = Stopwatch.StartNew();
            run().GetAwaiter().GetResult();
            clock.Stop();
            var rate = bytes / 1e6 / clock.Elapsed.TotalSeconds;
            var allocated = (GC.GetTotalAllocatedBytes(precise: false) - before) / 1024.0 / 1024.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-70} {clock.Elapsed.TotalSeconds,7:F2} s {rate,8:F0} MB/s  (allocated {allocated:F1} MiB, peak working set {Environment.WorkingSet / 1024 / 1024} MiB)"));
            return rate;
        }

        static void WriteInput(string path, long size)
        {
            // CSV-like text, repeated from a 1 MiB block: what partners send, generated fast.
            var block = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i => $"{i},customer-{i % 97},{i * 3.25:F2}\n")));
            using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1024 * 1024);
            for (long written = 0; written < size;)
            {
                var count = (int)Math.Min(block.Length, size - written);
                output.Write(block, 0, count);
                written += count;
            }
        }

        static LocalKmsServer CreateServer(out string key)
        {
            var server = LocalKmsServer.Instance;
            key = server.CreateKey();
            return server;
        }
        return 0;
    }
}
