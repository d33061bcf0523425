using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;

namespace S3S2.MicroBenchmarks;

/// <summary>
/// Whole messages of 16 MiB, uncompressed, to an RSA-3072 key: BouncyCastle's generator and reader (what the library
/// used) against the library's framing on .NET's AES and SHA-1; and a 1 KiB message, where the per-message key work counts.
/// </summary>
[MemoryDiagnoser]
public class MessageBenchmarks
{
    private readonly byte[] _plaintext = RandomNumberGenerator.GetBytes(16 * 1024 * 1024);
    private readonly byte[] _small = RandomNumberGenerator.GetBytes(1024);
    private OpenPgpGeneratedKey _key = null!;
    private IReadOnlyList<OpenPgpRecipient> _recipients = null!;
    private OpenPgpEncryptor _encryptor = null!;
    private OpenPgpDecryptor _decryptor = null!;
    private byte[] _message = null!;
    private MemoryStream _output = null!;

    [Params(16 * 1024 * 1024, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _key = OpenPgpKeyGenerator.Generate("Bench <bench@s3s2.test>", default, 3072);
        _recipients = OpenPgpRecipientKeys.Load([OpenPgpKeySource.FromArmoredString(_key.PublicKeyArmored)], DateTime.UtcNow);
        _encryptor = new OpenPgpEncryptor(_recipients, OpenPgpCompression.None);
        _decryptor = new OpenPgpDecryptor(new OpenPgpSecretKeys([OpenPgpKeySource.FromArmoredString(_key.SecretKeyArmored)], null));
        _output = new MemoryStream(Size + 4096);
        _message = LibraryEncryptAsync().GetAwaiter().GetResult();
    }

    private byte[] Input => Size == _small.Length ? _small : _plaintext[..Size];

    [Benchmark(Baseline = true)]
    public long BouncyCastleEncrypt()
    {
        _output.SetLength(0);
        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: true, new SecureRandom());
        generator.AddMethod(_recipients[0].EncryptionKey);
        using (var encrypted = generator.Open(_output, new byte[64 * 1024]))
        using (var literal = new PgpLiteralDataGenerator().Open(encrypted, PgpLiteralData.Binary, "a.bin", DateTime.UtcNow, new byte[64 * 1024]))
        {
            literal.Write(Input);
        }

        return _output.Length;
    }

    [Benchmark]
    public async Task<long> LibraryEncrypt() => (await LibraryEncryptAsync()).Length;

    [Benchmark]
    public async Task<long> LibraryDecrypt()
    {
        _output.SetLength(0);
        await _decryptor.DecryptAsync(new MemoryStream(_message, writable: false), _output, new DecryptionMessage("bench", null), CancellationToken.None);
        return _output.Length;
    }

    private async Task<byte[]> LibraryEncryptAsync()
    {
        _output.SetLength(0);
        await _encryptor.EncryptAsync(new MemoryStream(Input, writable: false), _output, new EncryptionContext("bench", "a.bin"));
        return _output.ToArray();
    }
}
