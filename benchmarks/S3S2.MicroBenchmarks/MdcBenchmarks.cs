using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Org.BouncyCastle.Crypto.Digests;

namespace S3S2.MicroBenchmarks;

/// <summary>The MDC's SHA-1 over 1 MiB in 64 KiB pieces: BouncyCastle's digest against .NET's <see cref="IncrementalHash"/>.</summary>
[MemoryDiagnoser]
public class MdcBenchmarks
{
    private const int ChunkSize = 64 * 1024;
    private readonly byte[] _input = RandomNumberGenerator.GetBytes(1024 * 1024);
    private readonly byte[] _digest = new byte[20];

    [Benchmark(Baseline = true)]
    public byte[] BouncyCastleSha1()
    {
        var digest = new Sha1Digest();
        for (var offset = 0; offset < _input.Length; offset += ChunkSize)
        {
            digest.BlockUpdate(_input, offset, ChunkSize);
        }

        digest.DoFinal(_digest, 0);
        return _digest;
    }

    [Benchmark]
    public byte[] DotNetIncrementalSha1()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        for (var offset = 0; offset < _input.Length; offset += ChunkSize)
        {
            hash.AppendData(_input, offset, ChunkSize);
        }

        hash.GetHashAndReset(_digest);
        return _digest;
    }
}
