using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Receiving;

/// <summary>Full share and receive runs with every log level on: no passphrase, secret key material or data key in any log line or error.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ReceiveSecretsTests
{
    private const string Passphrase = "Tr0ub4dor&3-never-logged";

    [Test]
    public async Task ShareAndReceive_OpenPgpWithPassphraseSuccessFailureAndWrongPassphrase_NoSecretInLogsOrErrors()
    {
        var key = OpenPgpKeyGenerator.Generate("Protected <protected@s3s2.test>", Passphrase.AsSpan(), 2048);
        using var bed = await ReceiveTestBed.OnS3Async();
        var logs = new ListLoggerProvider();
        var sharer = bed.Sharer(key, logs: logs);
        await sharer.ShareStreamAsync(new MemoryStream(TestData.Csv(100)), "good.csv");
        var damaged = await sharer.ShareStreamAsync(new MemoryStream(TestData.Csv(100)), "damaged.csv");
        bed.TamperAtRest(damaged.Files[0].Key, 300);
        var texts = new List<string>();

        var results = await bed.Receiver(key, () => Passphrase, logs: logs).ReceiveAllAsync(bed.Output.Path);
        texts.AddRange(results.SelectMany(r => r.Files.Select(f => f.Error).Append(r.Error)).OfType<string>());
        using var other = new TempDirectory();
        var wrong = await Assert.ThrowsAsync<EncryptionKeyException>(() => bed.Receiver(key, () => Passphrase + "x", logs: logs).ReceiveAllAsync(other.Path));
        texts.Add(wrong!.ToString());
        texts.AddRange(logs.Logger.Entries.Select(e => e.Message));

        Assert.That(results.Select(r => r.Status), Is.EquivalentTo(new[] { ReceiveStatus.Received, ReceiveStatus.IntegrityFailed }));
        Assert.That(logs.Logger.Entries, Is.Not.Empty);
        var secrets = SecretKeyChunks(key.SecretKeyArmored).Append(Passphrase).ToList();
        Assert.That(texts.Where(t => secrets.Exists(s => t.Contains(s, StringComparison.Ordinal))), Is.Empty);
    }

    [Test]
    public async Task ShareAndReceive_KmsEnvelopeWithFailure_NoDataKeyInLogsOrErrors()
    {
        var server = LocalS3Server.Instance;
        var bucket = await server.CreateBucketAsync();
        var kms = LocalKmsServer.Instance;
        var keyArn = kms.CreateKey();
        var logs = new ListLoggerProvider();
        using var output = new TempDirectory();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddS3S2Sharing(o =>
            {
                o.Bucket = bucket;
                o.Prefix = "partners/kms";
            })
            .AddKmsEnvelopeEncryption(o =>
            {
                o.KeyIds.Add(keyArn);
                o.ServiceUrl = kms.Endpoint;
                o.Credentials = LocalKmsServer.Credentials;
            })
            .AddS3Store(o =>
            {
                o.ServiceUrl = server.Endpoint;
                o.Credentials = LocalS3Server.Credentials;
            })
            .AddReceiving(o =>
            {
                o.KmsServiceUrl = kms.Endpoint;
                o.KmsCredentials = LocalKmsServer.Credentials;
                o.AllowedKmsKeyIds.Add(keyArn);
            });
        await using var provider = services.BuildServiceProvider();
        var before = kms.IssuedDataKeys.Count;
        var sharer = provider.GetRequiredService<IShareClient>();
        await sharer.ShareStreamAsync(new MemoryStream(TestData.Csv(100)), "good.csv");
        var damaged = await sharer.ShareStreamAsync(new MemoryStream(TestData.Csv(100)), "damaged.csv");
        var path = Path.Combine(server.DataDirectory!, bucket, damaged.Files[0].Key + "._S3rver_object");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^40] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        var results = await provider.GetRequiredService<IReceiveClient>().ReceiveAllAsync(output.Path);

        var texts = results.SelectMany(r => r.Files.Select(f => f.Error).Append(r.Error)).OfType<string>().Concat(logs.Logger.Entries.Select(e => e.Message)).ToList();
        var dataKeys = kms.IssuedDataKeys.Skip(before).ToList();
        Assert.That(results.Select(r => r.Status), Is.EquivalentTo(new[] { ReceiveStatus.Received, ReceiveStatus.IntegrityFailed }));
        Assert.That(dataKeys, Is.Not.Empty);
        var secrets = dataKeys.SelectMany(k => new[] { Convert.ToBase64String(k), Convert.ToHexString(k), Convert.ToHexString(k).ToLowerInvariant() }).ToList();
        Assert.That(texts.Where(t => secrets.Exists(s => t.Contains(s, StringComparison.Ordinal))), Is.Empty);
    }

    /// <summary>Every 24-character piece of the armored secret key's body: any longer run of it in a text would be key material.</summary>
    private static IEnumerable<string> SecretKeyChunks(string armored)
    {
        var body = string.Concat(armored.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal) && !l.Contains(':', StringComparison.Ordinal) && !l.StartsWith('=')));
        for (var i = 0; i + 24 <= body.Length; i += 24)
        {
            yield return body.Substring(i, 24);
        }
    }
}
