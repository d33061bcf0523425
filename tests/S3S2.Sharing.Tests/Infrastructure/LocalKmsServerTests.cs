using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>The local KMS endpoint answers the real SDK client as KMS does, for the parts the tests rely on.</summary>
[TestFixture]
public sealed class LocalKmsServerTests
{
    [Test]
    public async Task DescribeKeyAsync_DisabledKey_ReportsDisabledState()
    {
        var key = LocalKmsServer.Instance.CreateKey(enabled: false);
        using var kms = LocalKmsServer.Instance.CreateClient();

        var response = await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key });

        Assert.That(response.KeyMetadata.Arn, Is.EqualTo(key));
        Assert.That(response.KeyMetadata.KeyState, Is.EqualTo(KeyState.Disabled));
    }

    [Test]
    public async Task DecryptAsync_OtherEncryptionContext_ThrowsInvalidCiphertextException()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        using var kms = LocalKmsServer.Instance.CreateClient();
        var generated = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, NumberOfBytes = 32, EncryptionContext = new() { ["a"] = "1" } });

        var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(generated.CiphertextBlob.ToArray()), EncryptionContext = new() { ["a"] = "1" } });

        Assert.That(decrypted.Plaintext.ToArray(), Is.EqualTo(generated.Plaintext.ToArray()));
        await Assert.ThrowsAsync<InvalidCiphertextException>(() =>
            kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(generated.CiphertextBlob.ToArray()), EncryptionContext = new() { ["a"] = "2" } }));
    }

    [Test]
    public async Task DescribeKeyAsync_UnknownKey_ThrowsNotFoundException()
    {
        using var kms = LocalKmsServer.Instance.CreateClient();

        await Assert.ThrowsAsync<NotFoundException>(() => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = LocalKmsServer.UnknownKeyArn() }));
    }
}
