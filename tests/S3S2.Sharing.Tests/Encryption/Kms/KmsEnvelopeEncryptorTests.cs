using System.Buffers.Binary;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.Kms;

/// <summary>Round trips through the real KMS client and the local KMS endpoint.</summary>
[TestFixture]
public sealed class KmsEnvelopeEncryptorTests
{
    private const int Frame = 4096;

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(Frame - 1)]
    [TestCase(Frame)]
    [TestCase(Frame + 1)]
    [TestCase((3 * Frame) + 17)]
    public async Task EncryptAsync_SizesAroundTheFrameLength_RoundTrip(int size)
    {
        var plaintext = TestData.Random(size, seed: size);
        foreach (var suite in new[] { KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384 })
        {
            var message = await KmsTestMessages.EncryptAsync(plaintext, suite, Frame);
            Assert.That(await KmsTestMessages.DecryptAsync(message), Is.EqualTo(plaintext), suite.ToString());
        }
    }

    /// <summary>
    /// The plaintext is read about 1 MiB of whole frames at a time (209 frames of 5,000 bytes: 1,045,000 bytes); the
    /// frames on both sides of a piece's end, and a final frame that is full or ends a piece, still number and decrypt.
    /// </summary>
    [TestCase(4096, 1024 * 1024)]
    [TestCase(4096, (1024 * 1024) + 1)]
    [TestCase(5000, 1_045_000 - 1)]
    [TestCase(5000, 1_045_000)]
    [TestCase(5000, 1_045_000 + 1)]
    [TestCase(5000, (2 * 1_045_000) + 4999)]
    public async Task EncryptAsync_SizesAroundTheReadPiece_RoundTrip(int frameLength, int size)
    {
        var plaintext = TestData.Random(size, seed: size);

        var message = await KmsTestMessages.EncryptAsync(plaintext, KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, frameLength);

        Assert.That(await KmsTestMessages.DecryptAsync(message), Is.EqualTo(plaintext));
    }

    [Test]
    public async Task EncryptAsync_SeveralMiBWithDefaultFrames_RoundTripsThroughNonSeekableStreams()
    {
        var plaintext = TestData.Random((5 * 1024 * 1024) + 123, seed: 5);
        using var kms = LocalKmsServer.Instance.CreateClient();
        var key = LocalKmsServer.Instance.CreateKey();
        using var encryptor = new KmsEnvelopeEncryptor(kms, ownsClient: false, [key], KmsAlgorithmSuite.AesGcm256HkdfSha512CommitEcdsaP384, KmsEnvelopeEncryptionOptions.DefaultFrameLength, new Dictionary<string, string>());
        using var ciphertext = new MemoryStream();
        await encryptor.EncryptAsync(new NonSeekableStream(plaintext), ciphertext, new EncryptionContext("share-1", "big/file.csv"));

        using var output = new MemoryStream();
        var context = await KmsEnvelopeDecryption.DecryptAsync(new NonSeekableStream(ciphertext.ToArray()), output, kms, [key]);

        Assert.That(output.ToArray(), Is.EqualTo(plaintext));
        Assert.That(context["s3s2:share-id"], Is.EqualTo("share-1"));
        Assert.That(context.ContainsKey("s3s2:path"), Is.False, "the path is bound by the manifest, so the share's files can share a data key");
    }

    [Test]
    public async Task EncryptAsync_TwoKeys_EitherKeyDecrypts()
    {
        var server = LocalKmsServer.Instance;
        var (first, second) = (server.CreateKey(), server.CreateKey());
        var plaintext = TestData.Csv(500);
        var message = await KmsTestMessages.EncryptAsync(plaintext, KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, Frame, [first, second]);

        server.SetEnabled(first, false);
        Assert.That(await KmsTestMessages.DecryptAsync(message, [second]), Is.EqualTo(plaintext));
        server.SetEnabled(first, true);
        server.SetEnabled(second, false);
        Assert.That(await KmsTestMessages.DecryptAsync(message, [first]), Is.EqualTo(plaintext));
    }

    [Test]
    public async Task EncryptAsync_Always_SendsShareIdAndCallerPairsToKms()
    {
        var server = LocalKmsServer.Instance;
        var key = server.CreateKey();
        using var kms = server.CreateClient();
        using var encryptor = new KmsEnvelopeEncryptor(kms, false, [key], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, Frame, new Dictionary<string, string> { ["partner"] = "acme" });
        using var ciphertext = new MemoryStream();
        await encryptor.EncryptAsync(new MemoryStream([1, 2, 3]), ciphertext, new EncryptionContext("20261127T010000Z-abc", "orders/2026.csv"));
        using var output = new MemoryStream();
        await KmsEnvelopeDecryption.DecryptAsync(new MemoryStream(ciphertext.ToArray()), output, kms, [key]);

        var calls = server.CallsFor(key).ToList();
        Assert.That(calls.Select(c => c.Operation), Is.EqualTo(new List<string> { "GenerateDataKey", "Decrypt" }));
        foreach (var call in calls)
        {
            Assert.That(call.EncryptionContext, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["s3s2:share-id"] = "20261127T010000Z-abc",
                ["partner"] = "acme",
            }));
        }
    }

    [Test]
    public async Task EncryptAsync_Always_WritesVersion2HeaderWithKmsKeyArn()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        var message = await KmsTestMessages.EncryptAsync([42], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, Frame, [key]);

        var header = EsdkHeader.TryParse(message, out var problem);

        Assert.That(problem, Is.Null);
        Assert.That(header!.SuiteId, Is.EqualTo(0x0478));
        Assert.That(header.FrameLength, Is.EqualTo(Frame));
        Assert.That(header.EncryptedDataKeys.Select(k => (k.ProviderId, k.ProviderInfo)), Is.EqualTo(new[] { ("aws-kms", key) }));
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(header.Length + 16)), Is.EqualTo(0xFFFFFFFF), "one final frame");
    }

    [Test]
    public async Task DecryptAsync_ExpectedContextDiffers_ThrowsIntegrityExceptionWithoutOutput()
    {
        var message = await KmsTestMessages.EncryptAsync(TestData.Csv(10), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, Frame);
        using var kms = LocalKmsServer.Instance.CreateClient();
        using var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<IntegrityException>(() => KmsEnvelopeDecryption.DecryptAsync(
            new MemoryStream(message), output, kms, KmsTestMessages.KeysNamedBy(message), expectedContext: new Dictionary<string, string> { ["s3s2:share-id"] = "another-share" }));

        Assert.That(error!.Message, Does.Contain("another-share"));
        Assert.That(output.Length, Is.Zero);
    }
}
