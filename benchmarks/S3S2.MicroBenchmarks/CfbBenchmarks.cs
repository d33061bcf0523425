using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.MicroBenchmarks;

/// <summary>
/// AES-256 CFB-128 over 1 MiB in 64 KiB chunks: BouncyCastle's engine (what it used) against .NET's one-shot and
/// streaming APIs, and the keystream computed with .NET's CBC and xored (what <c>SeipdWriteStream</c> does).
/// </summary>
[MemoryDiagnoser]
public class CfbBenchmarks
{
    private const int ChunkSize = 64 * 1024;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _input = RandomNumberGenerator.GetBytes(1024 * 1024);
    private readonly byte[] _output = new byte[1024 * 1024];
    private readonly byte[] _keystream = new byte[ChunkSize + 16];
    private Aes _aes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _aes = Aes.Create();
        _aes.Key = _key;
    }

    [GlobalCleanup]
    public void Cleanup() => _aes.Dispose();

    [Benchmark(Baseline = true)]
    public void BouncyCastleEncrypt()
    {
        var cipher = new CfbBlockCipher(Org.BouncyCastle.Crypto.AesUtilities.CreateEngine(), 128);
        cipher.Init(true, new ParametersWithIV(new KeyParameter(_key), new byte[16]));
        for (var offset = 0; offset < _input.Length; offset += 16)
        {
            cipher.ProcessBlock(_input, offset, _output, offset);
        }
    }

    [Benchmark]
    public void DotNetOneShotEncrypt()
    {
        Span<byte> feedback = stackalloc byte[16];
        for (var offset = 0; offset < _input.Length; offset += ChunkSize)
        {
            _aes.EncryptCfb(_input.AsSpan(offset, ChunkSize), feedback, _output.AsSpan(offset, ChunkSize), PaddingMode.None, 128);
            _output.AsSpan(offset + ChunkSize - 16, 16).CopyTo(feedback);
        }
    }

    [Benchmark]
    public void DotNetCbcKeystreamEncrypt()
    {
        // CBC over the plaintext chained on the keystream yields the next keystream blocks; ciphertext = plaintext xor keystream.
        Span<byte> keystream = stackalloc byte[16];
        _aes.EncryptEcb(keystream, keystream, PaddingMode.None);
        var run = _keystream.AsSpan(0, ChunkSize + 16);
        for (var offset = 0; offset < _input.Length; offset += ChunkSize)
        {
            keystream.CopyTo(run);
            _aes.EncryptCbc(_input.AsSpan(offset, ChunkSize), keystream, run[16..], PaddingMode.None);
            run[ChunkSize..].CopyTo(keystream);
            var output = _output.AsSpan(offset, ChunkSize);
            _input.AsSpan(offset, ChunkSize).CopyTo(output);
            CfbXor.Apply(output, run);
        }
    }

    [Benchmark]
    public void DotNetTransformEncrypt()
    {
        using var aes = Aes.Create();
        aes.Key = _key;
        aes.Mode = CipherMode.CFB;
        aes.FeedbackSize = 128;
        aes.Padding = PaddingMode.None;
        using var transform = aes.CreateEncryptor(_key, new byte[16]);
        for (var offset = 0; offset < _input.Length; offset += ChunkSize)
        {
            transform.TransformBlock(_input, offset, ChunkSize, _output, offset);
        }
    }

    [Benchmark]
    public void DotNetOneShotDecrypt()
    {
        Span<byte> feedback = stackalloc byte[16];
        for (var offset = 0; offset < _input.Length; offset += ChunkSize)
        {
            _aes.DecryptCfb(_input.AsSpan(offset, ChunkSize), feedback, _output.AsSpan(offset, ChunkSize), PaddingMode.None, 128);
            _input.AsSpan(offset + ChunkSize - 16, 16).CopyTo(feedback);
        }
    }
}
