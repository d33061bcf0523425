using System.Text.Json;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Tests.Encryption.Kms;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Interop;

/// <summary>Our messages decrypt with the official AWS Encryption SDK for JavaScript, and its messages with ours.</summary>
[TestFixture]
[NonParallelizable]
public sealed class EsdkJsInteropTests
{
    private const int Frame = 4096;

    [TestCase(KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 0)]
    [TestCase(KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, Frame)]
    [TestCase(KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, (5 * Frame) + 3)]
    [TestCase(KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, 1)]
    [TestCase(KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, (5 * Frame) + 3)]
    [TestCase(KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, (3 * KmsEnvelopeEncryptionOptions.DefaultFrameLength) + 1, KmsEnvelopeEncryptionOptions.DefaultFrameLength)]
    [TestCase(KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, (2 * 1024 * 1024) + 5)]
    public async Task EncryptAsync_OurMessage_DecryptsWithOfficialJsSdk(KmsAlgorithmSuite suite, int size, int frameLength = Frame)
    {
        using var folder = new TempDirectory();
        var server = LocalKmsServer.Instance;
        var (first, second) = (server.CreateKey(), server.CreateKey());
        var plaintext = TestData.Random(size, seed: size + 1);
        var message = folder.WriteFile("ours.encrypted", await KmsTestMessages.EncryptAsync(plaintext, suite, frameLength, [first, second]));

        var result = await EsdkJs.RunAsync("decrypt", "--endpoint", server.Endpoint, "--key", second, "--in", message, "--out", folder.Combine("out"));

        Assert.That(result.ExitCode, Is.Zero, () => result.StandardError);
        Assert.That(await File.ReadAllBytesAsync(folder.Combine("out")), Is.EqualTo(plaintext));
        using var header = JsonDocument.Parse(result.StandardOutput);
        Assert.That(header.RootElement.GetProperty("suiteId").GetInt32(), Is.EqualTo((int)suite));
        Assert.That(header.RootElement.GetProperty("encryptionContext").GetProperty("s3s2:share-id").GetString(), Is.EqualTo("share-1"));
    }

    [Test]
    public async Task EncryptAsync_TwoMessagesSharingOneDataKey_BothDecryptWithOfficialJsSdk()
    {
        using var folder = new TempDirectory();
        var server = LocalKmsServer.Instance;
        var key = server.CreateKey();
        using var kms = server.CreateClient();
        using var encryptor = new KmsEnvelopeEncryptor(kms, ownsClient: false, [key], KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, Frame, new Dictionary<string, string>());
        var plaintexts = new[] { TestData.Random((2 * Frame) + 5, seed: 11), TestData.Csv(300) };
        var messages = new List<byte[]>();
        foreach (var (plaintext, index) in plaintexts.Select((p, i) => (p, i)))
        {
            using var ciphertext = new MemoryStream();
            await encryptor.EncryptAsync(new MemoryStream(plaintext), ciphertext, new EncryptionContext("share-1", $"file{index}.csv"));
            messages.Add(ciphertext.ToArray());
        }

        Assert.That(server.CallsFor(key).Count(c => c.Operation == "GenerateDataKey"), Is.EqualTo(1));
        for (var i = 0; i < messages.Count; i++)
        {
            var path = folder.WriteFile($"m{i}.encrypted", messages[i]);
            var result = await EsdkJs.RunAsync("decrypt", "--endpoint", server.Endpoint, "--key", key, "--in", path, "--out", folder.Combine($"out{i}"));
            Assert.That(result.ExitCode, Is.Zero, () => result.StandardError);
            Assert.That(await File.ReadAllBytesAsync(folder.Combine($"out{i}")), Is.EqualTo(plaintexts[i]));
        }
    }

    [TestCase("0478", 0)]
    [TestCase("0478", Frame)]
    [TestCase("0478", (5 * Frame) + 3)]
    [TestCase("0578", 1)]
    [TestCase("0578", (5 * Frame) + 3)]
    public async Task DecryptAsync_MessageFromOfficialJsSdk_RoundTrips(string suite, int size)
    {
        using var folder = new TempDirectory();
        var server = LocalKmsServer.Instance;
        var (first, second) = (server.CreateKey(), server.CreateKey());
        var plaintext = TestData.Random(size, seed: size + 2);
        var input = folder.WriteFile("plain", plaintext);

        var result = await EsdkJs.RunAsync(
            "encrypt", "--endpoint", server.Endpoint, "--key", first, "--key", second, "--suite", suite, "--frame", Frame.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--context", "partner=acme", "--in", input, "--out", folder.Combine("theirs.encrypted"));
        Assert.That(result.ExitCode, Is.Zero, () => result.StandardError);

        using var kms = server.CreateClient();
        using var output = new MemoryStream();
        await using var message = File.OpenRead(folder.Combine("theirs.encrypted"));
        var context = await KmsEnvelopeDecryption.DecryptAsync(message, output, kms, [second]);

        Assert.That(output.ToArray(), Is.EqualTo(plaintext));
        Assert.That(context["partner"], Is.EqualTo("acme"));
        Assert.That(context.ContainsKey("aws-crypto-public-key"), Is.EqualTo(suite == "0578"));
    }
}
