using Microsoft.Extensions.Logging.Abstractions;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests.Policy;

[TestFixture]
public sealed class SharePolicyServerSideEncryptionTests
{
    private const string SseKey = "arn:aws:kms:eu-west-1:111122223333:key/sse";

    [Test]
    public async Task AuthorizeAsync_RequiredSseKmsMissing_RefusesBeforeReadingTheBody()
    {
        var body = new TrackingStream();
        var policy = Policy(sse: null, required: ServerSideEncryptionMethod.Kms);

        var error = await Assert.ThrowsAsync<SharePolicyException>(() => policy.AuthorizeAsync("p/a.csv.encrypted", new Dictionary<string, string>(), body, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("server-side encryption Kms is required but the upload asks for none").And.Contain("--sse-kms-key"));
        Assert.That(body.WasRead, Is.False);
    }

    [Test]
    public async Task AuthorizeAsync_RequiredKmsButS3Managed_Refuses()
    {
        var policy = Policy(ServerSideEncryption.S3Managed, required: ServerSideEncryptionMethod.Kms);

        await Assert.ThrowsAsync<SharePolicyException>(() => policy.AuthorizeAsync("p/a.encrypted", new Dictionary<string, string>(), new MemoryStream(), CancellationToken.None));
    }

    [Test]
    public async Task AuthorizeAsync_SseKmsKeyNotAllowed_RefusesNamingTheKey()
    {
        var policy = Policy(ServerSideEncryption.Kms("arn:aws:kms:eu-west-1:111122223333:key/other"), required: ServerSideEncryptionMethod.Kms, allowed: [SseKey]);

        var error = await Assert.ThrowsAsync<SharePolicyException>(() => policy.AuthorizeAsync("p/a.encrypted", new Dictionary<string, string>(), new MemoryStream(), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("key/other").And.Contain(SseKey));
    }

    [Test]
    public async Task AuthorizeAsync_RequiredSsePresent_PassesItOnTheRequest()
    {
        var policy = Policy(ServerSideEncryption.Kms(SseKey), required: ServerSideEncryptionMethod.Kms, allowed: [SseKey]);

        var request = await policy.AuthorizeAsync("p/a.encrypted", new Dictionary<string, string>(), new MemoryStream([1]), CancellationToken.None);

        Assert.That(request.ServerSideEncryption, Is.EqualTo(ServerSideEncryption.Kms(SseKey)));
    }

    private static SharePolicy Policy(ServerSideEncryption? sse, ServerSideEncryptionMethod? required, string[]? allowed = null) =>
        new("test", "bucket", "p", new AllowAllRule(), sse, NullLogger.Instance, required, allowed);

    private sealed class AllowAllRule : IBodyRule
    {
        public string ObjectKeySuffix => ".encrypted";

        public string? Check(ReadOnlySpan<byte> head, bool isWholeBody) => null;

        public IBodyValidator CreateValidator() => new AllowAllValidator();
    }

    private sealed class AllowAllValidator : IBodyValidator
    {
        public string? Append(ReadOnlySpan<byte> data) => null;

        public string? Complete() => null;
    }

    private sealed class TrackingStream : MemoryStream
    {
        public bool WasRead { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WasRead = true;
            return base.ReadAsync(buffer, cancellationToken);
        }
    }
}
