using System.Net;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Moq;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.Kms;
using S3S2.Sharing.Tests.Infrastructure;

namespace S3S2.Sharing.Tests.Encryption.Kms;

/// <summary>KMS errors become messages naming the key, the call and the fix.</summary>
[TestFixture]
public sealed class KmsEnvelopeKmsErrorTests
{
    [Test]
    public async Task EncryptAsync_DisabledKey_ThrowsEncryptionKeyExceptionNamingTheKey()
    {
        var key = LocalKmsServer.Instance.CreateKey(enabled: false);

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => KmsTestMessages.EncryptAsync([1], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, [key]));

        Assert.That(error!.Message, Does.Contain(key).And.Contain("is disabled").And.Contain("enable"));
        Assert.That(error.InnerException, Is.TypeOf<DisabledException>());
    }

    [Test]
    public async Task EncryptAsync_UnknownKey_ThrowsEncryptionKeyExceptionNamingTheKey()
    {
        var key = LocalKmsServer.UnknownKeyArn();

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => KmsTestMessages.EncryptAsync([1], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, [key]));

        Assert.That(error!.Message, Does.Contain(key).And.Contain("was not found").And.Contain("region"));
        Assert.That(error.InnerException, Is.TypeOf<NotFoundException>());
    }

    [Test]
    public async Task EncryptAsync_SecondKeyUnknown_ThrowsNamingTheSecondKeyAndEncrypt()
    {
        var (good, unknown) = (LocalKmsServer.Instance.CreateKey(), LocalKmsServer.UnknownKeyArn());

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => KmsTestMessages.EncryptAsync([1], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, [good, unknown]));

        Assert.That(error!.Message, Does.Contain(unknown).And.Contain("Encrypt"));
    }

    [Test]
    public async Task DecryptAsync_KeyDisabledAfterEncryption_ThrowsEncryptionKeyExceptionWithoutOutput()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        var message = await KmsTestMessages.EncryptAsync(TestData.Csv(5), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, [key]);
        LocalKmsServer.Instance.SetEnabled(key, false);

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => KmsTestMessages.DecryptAsync(message));

        Assert.That(error!.Message, Does.Contain(key).And.Contain("disabled"));
    }

    /// <summary>A message's data keys are tried once per KMS key: five under one (disabled) key cost one Decrypt, not five.</summary>
    [Test]
    public async Task DecryptAsync_SeveralDataKeysUnderOneKey_OneKmsCall()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        var message = await KmsTestMessages.EncryptAsync(TestData.Csv(5), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, [key, key, key, key, key]);
        Assert.That(EsdkHeader.TryParse(message, out _)!.EncryptedDataKeys, Has.Count.EqualTo(5));
        LocalKmsServer.Instance.SetEnabled(key, false);

        await Assert.ThrowsAsync<EncryptionKeyException>(() => KmsTestMessages.DecryptAsync(message));

        Assert.That(LocalKmsServer.Instance.CallsFor(key).Count(c => c.Operation == "Decrypt"), Is.EqualTo(1));
    }

    /// <summary>A message to more KMS keys than are tried costs at most that many Decrypt calls, each key once.</summary>
    [Test]
    public async Task DecryptAsync_DataKeysUnderMoreKeysThanAreTried_AtMostThatManyKmsCalls()
    {
        var keys = Enumerable.Range(0, KmsEnvelopeDecryptor.MaxKmsKeysTried + 1).Select(_ => LocalKmsServer.Instance.CreateKey()).ToList();
        var message = await KmsTestMessages.EncryptAsync(TestData.Csv(5), KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, keys);
        keys.ForEach(key => LocalKmsServer.Instance.SetEnabled(key, false));

        await Assert.ThrowsAsync<EncryptionKeyException>(() => KmsTestMessages.DecryptAsync(message));

        var calls = keys.Select(key => LocalKmsServer.Instance.CallsFor(key).Count(c => c.Operation == "Decrypt")).ToList();
        Assert.That(calls.Sum(), Is.EqualTo(KmsEnvelopeDecryptor.MaxKmsKeysTried));
        Assert.That(calls, Is.All.LessThanOrEqualTo(1));
    }

    [Test]
    public async Task DecryptAsync_MessageKeyNotAllowed_ThrowsEncryptionKeyExceptionAndNeverCallsKms()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        var message = await KmsTestMessages.EncryptAsync([1, 2], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, [key]);
        var kms = new Mock<IAmazonKeyManagementService>(MockBehavior.Strict);

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() =>
            KmsEnvelopeDecryption.DecryptAsync(new MemoryStream(message), Stream.Null, kms.Object, ["arn:aws:kms:us-east-1:111122223333:key/other"]));

        Assert.That(error!.Message, Does.Contain(key).And.Contain("only keys [arn:aws:kms:us-east-1:111122223333:key/other] may be used"));
    }

    [Test]
    public async Task EncryptAsync_AccessDenied_ThrowsEncryptionKeyExceptionAskingForKeyPolicy()
    {
        var kms = new Mock<IAmazonKeyManagementService>();
        kms.Setup(k => k.GenerateDataKeyAsync(It.IsAny<GenerateDataKeyRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonKeyManagementServiceException("User is not authorized to perform: kms:GenerateDataKey") { ErrorCode = "AccessDeniedException", StatusCode = HttpStatusCode.BadRequest });
        using var encryptor = new KmsEnvelopeEncryptor(kms.Object, false, ["arn:aws:kms:eu-west-1:111122223333:key/k1"], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, new Dictionary<string, string>());

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => encryptor.EncryptAsync(new MemoryStream([1]), Stream.Null, new EncryptionContext("s", "p")));

        Assert.That(error!.Message, Is.EqualTo(
            "KMS denied GenerateDataKey on key 'arn:aws:kms:eu-west-1:111122223333:key/k1' to the caller's credentials. The key policy (or an IAM policy) must allow kms:GenerateDataKey for your role: ask the key's owner."));
        Assert.That(error.IsTransient, Is.False, "a denial needs a change of policy, not a retry");
    }

    [Test]
    public async Task EncryptAsync_Throttled_ThrowsEncryptionKeyExceptionSayingRetryLater()
    {
        var kms = new Mock<IAmazonKeyManagementService>();
        kms.Setup(k => k.GenerateDataKeyAsync(It.IsAny<GenerateDataKeyRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonKeyManagementServiceException("Rate exceeded") { ErrorCode = "ThrottlingException", StatusCode = HttpStatusCode.BadRequest });
        using var encryptor = new KmsEnvelopeEncryptor(kms.Object, false, ["arn:aws:kms:eu-west-1:111122223333:key/k1"], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096, new Dictionary<string, string>());
        using var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => encryptor.EncryptAsync(new MemoryStream([1]), output, new EncryptionContext("s", "p")));

        Assert.That(error!.Message, Does.Contain("KMS throttled GenerateDataKey").And.Contain("Retry later"));
        Assert.That(error.IsTransient, Is.True);
        Assert.That(output.Length, Is.Zero);
    }

    [Test]
    public async Task DecryptAsync_AccessDenied_ThrowsEncryptionKeyExceptionWithoutOutput()
    {
        var message = await KmsTestMessages.EncryptAsync([9, 9, 9], KmsAlgorithmSuite.AesGcm256HkdfSha512Commit, 4096);
        var kms = new Mock<IAmazonKeyManagementService>();
        kms.Setup(k => k.DecryptAsync(It.IsAny<DecryptRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonKeyManagementServiceException("denied") { ErrorCode = "AccessDeniedException", StatusCode = HttpStatusCode.BadRequest });
        using var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => KmsEnvelopeDecryption.DecryptAsync(new MemoryStream(message), output, kms.Object, KmsTestMessages.KeysNamedBy(message)));

        Assert.That(error!.Message, Does.Contain("KMS denied Decrypt"));
        Assert.That(output.Length, Is.Zero);
    }
}
