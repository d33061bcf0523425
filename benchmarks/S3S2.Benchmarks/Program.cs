// Benchmarks: runnable programs that print figures and ratios against baselines measured in the same run.
//
//   dotnet run -c Release --project benchmarks/S3S2.Benchmarks -- rows [--size-mib 512] [--files 1000] [--rss-mib 4096]
//       every row of the performance issue's table: whole CLI processes vs gpg, openssl, a PutObject loop (IssueRowsBenchmark.cs)
//   dotnet run -c Release --project benchmarks/S3S2.Benchmarks -- [share] [--size-mib 1024] [--dir DIR]
//       OpenPGP shares to a local folder store vs read+SHA-256 and gpg, with peak memory (ShareBenchmark.cs)
//   dotnet run -c Release --project benchmarks/S3S2.Benchmarks -- worker [--shares 60] [--files 4] [--file-kib 256]
//       shares per second received by 1, 2 and 4 queue workers from a real notification queue on moto (WorkerBenchmark.cs)
//   dotnet run -c Release --project benchmarks/S3S2.Benchmarks -- kms [MiB] [folder]
//       KMS envelope encrypt/decrypt vs raw AesGcm and a file copy (KmsEnvelopeBenchmark.cs)
using S3S2.Benchmarks;

return args.FirstOrDefault() switch
{
    "rows" => await IssueRowsBenchmark.RunAsync(args[1..]),
    "kms" => await KmsEnvelopeBenchmark.RunAsync(args[1..]),
    "worker" => await WorkerBenchmark.RunAsync(args[1..]),
    "share" => await ShareBenchmark.RunAsync(args[1..]),
    _ => await ShareBenchmark.RunAsync(args),
};
