using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Manifest;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>
/// One store (a bucket on the local S3 server, or a local folder store) with a sharing side and a receiving side
/// built through the public builder, plus ways to tamper with objects and to plant hand-written manifests.
/// </summary>
internal sealed class ReceiveTestBed : IDisposable
{
    public const string Prefix = "partners/acme";
    public const int PartSize = 5 * 1024 * 1024;

    private readonly List<ServiceProvider> _providers = [];

    private ReceiveTestBed(LocalS3Server? server, string? bucket)
    {
        Server = server;
        Bucket = bucket;
        Output = new TempDirectory();
        StoreFolder = server is null ? new TempDirectory() : null;
    }

    public LocalS3Server? Server { get; }

    public string? Bucket { get; }

    public TempDirectory? StoreFolder { get; }

    public TempDirectory Output { get; }

    /// <summary>GetObject requests sent by the receive client when it uses <see cref="CountingClient"/>.</summary>
    public List<string> GetObjectKeys { get; } = [];

    public static async Task<ReceiveTestBed> OnS3Async()
    {
        var server = LocalS3Server.Instance;
        return new ReceiveTestBed(server, await server.CreateBucketAsync());
    }

    public static ReceiveTestBed OnLocalFolder() => new(null, null);

    public IShareClient Sharer(OpenPgpGeneratedKey? recipient = null, OpenPgpCompression compression = OpenPgpCompression.Zlib, ILoggerProvider? logs = null, Action<IS3S2SharingBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        var builder = services
            .AddS3S2Sharing(o =>
            {
                o.Bucket = Bucket;
                o.Prefix = Prefix;
            })
            .AddOpenPgpEncryption(o =>
            {
                o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString((recipient ?? TestKeys.Receiver).PublicKeyArmored));
                o.Compression = compression;
            });
        AddStore(builder, countRequests: false);
        configure?.Invoke(builder);
        if (logs is not null)
        {
            services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        }

        return Build(services).GetRequiredService<IShareClient>();
    }

    public IReceiveClient Receiver(
        OpenPgpGeneratedKey? key = null,
        Func<string>? passphrase = null,
        bool deleteAfterReceive = false,
        bool countRequests = false,
        string? endpoint = null,
        Action<ReceiveClientOptions>? configure = null,
        ILoggerProvider? logs = null,
        IEnumerable<string>? allowedKmsKeys = null,
        string prefix = Prefix)
    {
        var services = new ServiceCollection();
        var builder = services
            .AddS3S2Sharing(o =>
            {
                o.Bucket = Bucket;
                o.Prefix = prefix;
            })
            .AddReceiving(o =>
            {
                o.SecretKeys.Add(OpenPgpKeySource.FromArmoredString((key ?? TestKeys.Receiver).SecretKeyArmored));
                o.Passphrase = passphrase;
                o.DeleteAfterReceive = deleteAfterReceive;
                foreach (var kmsKey in allowedKmsKeys ?? [])
                {
                    o.AllowedKmsKeyIds.Add(kmsKey);
                }
                configure?.Invoke(o);
            });
        AddStore(builder, countRequests, endpoint);
        if (logs is not null)
        {
            services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        }

        if (countRequests)
        {
            services.AddSingleton<IAmazonS3>(_ => CountingClient());
        }

        return Build(services).GetRequiredService<IReceiveClient>();
    }

    /// <summary>Changes one byte of an object where s3rver keeps it on disk, behind S3's back: its ETag (MD5) no longer matches.</summary>
    public void TamperAtRest(string key, int offset)
    {
        var path = Path.Combine(Server!.DataDirectory ?? throw new InvalidOperationException("The S3 server is external; its files cannot be reached."), Bucket!, key + "._S3rver_object");
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x20;
        File.WriteAllBytes(path, bytes);
    }

    public async Task<byte[]> ReadObjectAsync(string key) =>
        Server is null ? await File.ReadAllBytesAsync(StoreFolder!.Combine(key.Split('/'))) : await Server.GetObjectBytesAsync(Bucket!, key);

    public async Task WriteObjectAsync(string key, byte[] content)
    {
        if (Server is null)
        {
            StoreFolder!.WriteFile(key, content);
            return;
        }

        using var client = Server.CreateClient();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(content), UseChunkEncoding = false });
    }

    public async Task<IReadOnlyList<string>> KeysAsync() =>
        Server is null
            ? Directory.EnumerateFiles(StoreFolder!.Path, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(StoreFolder.Path, p).Replace('\\', '/')).ToList()
            : await Server.ListKeysAsync(Bucket!);

    /// <summary>Encrypts a hand-written manifest to the receiver and puts it where the share's manifest belongs.</summary>
    public async Task PlantManifestAsync(string shareId, IReadOnlyList<ManifestFile> files, string? manifestShareId = null)
    {
        var manifest = new ShareManifest(1, manifestShareId ?? shareId, DateTimeOffset.UtcNow, "attacker", "test", new ManifestEncryption("openpgp", [TestKeys.Receiver.Fingerprint]), files);
        await PlantManifestJsonAsync(shareId, JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.ShareManifest));
    }

    public async Task PlantManifestJsonAsync(string shareId, byte[] json) =>
        await WriteObjectAsync($"{Prefix}/{shareId}.manifest.json.gpg", await EncryptAsync(json));

    public static async Task<byte[]> EncryptAsync(byte[] plaintext, OpenPgpCompression compression = OpenPgpCompression.None)
    {
        var encryptor = new OpenPgpEncryptor(TestKeys.Recipients(TestKeys.Receiver), compression);
        using var output = new MemoryStream();
        await encryptor.EncryptAsync(new MemoryStream(plaintext), output, new EncryptionContext("test", "file"));
        return output.ToArray();
    }

    /// <summary>An old-style message: encrypted to the receiver, but without integrity protection (no MDC).</summary>
    public static byte[] EncryptWithoutIntegrity(byte[] plaintext)
    {
        var generator = new Org.BouncyCastle.Bcpg.OpenPgp.PgpEncryptedDataGenerator(Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: false, new Org.BouncyCastle.Security.SecureRandom());
        generator.AddMethod(TestKeys.Recipients(TestKeys.Receiver)[0].EncryptionKey);
        using var output = new MemoryStream();
        using (var encrypted = generator.Open(output, new byte[4096]))
        using (var literal = new Org.BouncyCastle.Bcpg.OpenPgp.PgpLiteralDataGenerator().Open(encrypted, Org.BouncyCastle.Bcpg.OpenPgp.PgpLiteralData.Binary, "x.csv", plaintext.Length, DateTime.UtcNow))
        {
            literal.Write(plaintext);
        }

        return output.ToArray();
    }

    /// <summary>Every file under the output folder, hidden ones included, relative with '/' separators.</summary>
    public IReadOnlyList<string> OutputFiles() =>
        Directory.EnumerateFileSystemEntries(Output.Path, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(Output.Path, p).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        Output.Dispose();
        StoreFolder?.Dispose();
    }

    private AmazonS3Client CountingClient()
    {
        var client = Server!.CreateClient();
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is Amazon.Runtime.WebServiceRequestEventArgs { Request: GetObjectRequest get })
            {
                lock (GetObjectKeys)
                {
                    GetObjectKeys.Add(get.Key);
                }
            }
        };
        return client;
    }

    private void AddStore(IS3S2SharingBuilder builder, bool countRequests, string? endpoint = null)
    {
        if (Server is null)
        {
            builder.AddLocalFolderStore(StoreFolder!.Path);
            return;
        }

        builder.AddS3Store(o =>
        {
            if (!countRequests)
            {
                o.ServiceUrl = endpoint ?? Server.Endpoint;
                o.Credentials = LocalS3Server.Credentials;
            }

            o.MultipartThreshold = PartSize;
            o.PartSize = PartSize;
            o.MaxConcurrentParts = 2;
        });
    }

    private ServiceProvider Build(ServiceCollection services)
    {
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        return provider;
    }
}
