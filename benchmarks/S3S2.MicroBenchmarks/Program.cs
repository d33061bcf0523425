using BenchmarkDotNet.Running;

// Micro benchmarks of the OpenPGP data layer (CFB, MDC, framing, whole messages) against BouncyCastle's,
// each class with its BouncyCastle baseline. Not run in CI; for example:
//   dotnet run -c Release --project benchmarks/S3S2.MicroBenchmarks -- --filter '*Cfb*'
BenchmarkSwitcher.FromAssembly(typeof(S3S2.MicroBenchmarks.CfbBenchmarks).Assembly).Run(args);
