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
    public async Task Calls_RequestSentAgainUnderOneInvocationId_RecordedOnce()
    {
        var key = LocalKmsServer.Instance.CreateKey();
        var (same, other) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        using var http = new HttpClient();

        // As the HTTP stack sends one SDK call again; then another call; then two requests that name no call.
        foreach (var invocationId in new[] { same, same, other, null, null })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, LocalKmsServer.Instance.Endpoint)
            {
                Content = new StringContent($$"""{"KeyId":"{{key}}"}""", System.Text.Encoding.UTF8, "application/x-amz-json-1.1"),
            };
            request.Headers.Add("X-Amz-Target", "TrentService.DescribeKey");
            if (invocationId is not null)
            {
                request.Headers.Add("amz-sdk-invocation-id", invocationId);
            }

            using var response = await http.SendAsync(request);
            Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        }

        Assert.That(LocalKmsServer.Instance.CallsFor(key).Select(c => c.InvocationId), Is.EqualTo(new[] { same, other, null, null }));
    }

    [Test]
    public async Task DescribeKeyAsync_UnknownKey_ThrowsNotFoundException()
    {
        using var kms = LocalKmsServer.Instance.CreateClient();

        await Assert.ThrowsAsync<NotFoundException>(() => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = LocalKmsServer.UnknownKeyArn() }));
    }
}
