using BenchmarkDotNet.Running;

// Micro benchmarks of the OpenPGP data layer (CFB, MDC, framing, whole messages), each class with its BouncyCastle
// baseline, and of the policy's byte histogram (HistogramBenchmarks) against its previous implementation.
// Not run in CI; for example:
//   dotnet run -c Release --project benchmarks/S3S2.MicroBenchmarks -- --filter '*Cfb*'
BenchmarkSwitcher.FromAssembly(typeof(S3S2.MicroBenchmarks.CfbBenchmarks).Assembly).Run(args);
