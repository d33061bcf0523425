using Microsoft.Extensions.Logging.Abstractions;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.Tests.Policy;

[TestFixture]
public sealed class SharePolicyServerSideEncryptionTests
{
    private const string SseKey = "arn:aws:kms:eu-west-1:111122223333:key/sse";

    [Test]
    public async Task AuthorizeAsync_RequiredSseKmsMissing_RefusesBeforeReadingTheBody()
    {
        var body = new TrackingStream();
        var policy = Policy(new ServerSideEncryptionOptions { Required = true });

        var error = await Assert.ThrowsAsync<SharePolicyException>(() => policy.AuthorizeAsync("p/a.csv.encrypted", new Dictionary<string, string>(), body, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("server-side encryption is required but the upload asks for none").And.Contain("--sse-kms-key"));
        Assert.That(body.WasRead, Is.False);
    }

    [Test]
    public async Task AuthorizeAsync_SseKmsWithAllowedKeysButNoKey_Refuses()
    {
        var policy = Policy(new ServerSideEncryptionOptions { Method = ServerSideEncryptionMethod.Kms, Required = true, AllowedKmsKeyIds = { SseKey } });

        var error = await Assert.ThrowsAsync<SharePolicyException>(() => policy.AuthorizeAsync("p/a.encrypted", new Dictionary<string, string>(), new MemoryStream(), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("AWS-managed key").And.Contain(SseKey));
    }

    [Test]
    public async Task AuthorizeAsync_RequiredKmsKeysButS3Managed_RefusesTheDowngrade()
    {
        var policy = Policy(new ServerSideEncryptionOptions { Method = ServerSideEncryptionMethod.S3Managed, Required = true, AllowedKmsKeyIds = { SseKey } });

        var error = await Assert.ThrowsAsync<SharePolicyException>(() => policy.AuthorizeAsync("p/a.encrypted", new Dictionary<string, string>(), new MemoryStream(), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain($"SSE-KMS with one of the allowed keys [{SseKey}] is required but the upload asks for S3Managed"));
    }

    [Test]
    public async Task AuthorizeAsync_SettingsChangedAfterTheClientWasBuilt_PolicyKeepsWhatItWasGiven()
    {
        var settings = new ServerSideEncryptionOptions { Method = ServerSideEncryptionMethod.Kms, KmsKeyId = SseKey, Required = true };
        var policy = Policy(settings);
        settings.Method = ServerSideEncryptionMethod.None;
        settings.KmsKeyId = null;

        var request = await policy.AuthorizeAsync("p/a.encrypted", new Dictionary<string, string>(), new MemoryStream([1]), CancellationToken.None);

        Assert.That((request.ServerSideEncryptionMethod, request.ServerSideEncryptionKmsKeyId), Is.EqualTo((ServerSideEncryptionMethod.Kms, SseKey)));
    }

    [Test]
    public async Task AuthorizeAsync_SseKmsKeyNotAllowed_RefusesNamingTheKey()
    {
        var policy = Policy(new ServerSideEncryptionOptions { Method = ServerSideEncryptionMethod.Kms, KmsKeyId = "arn:aws:kms:eu-west-1:111122223333:key/other", Required = true, AllowedKmsKeyIds = { SseKey } });

        var error = await Assert.ThrowsAsync<SharePolicyException>(() => policy.AuthorizeAsync("p/a.encrypted", new Dictionary<string, string>(), new MemoryStream(), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("key/other").And.Contain(SseKey));
    }

    [Test]
    public async Task AuthorizeAsync_RequiredSsePresent_PassesItOnTheRequest()
    {
        var policy = Policy(new ServerSideEncryptionOptions { Method = ServerSideEncryptionMethod.Kms, KmsKeyId = SseKey, Required = true, AllowedKmsKeyIds = { SseKey } });

        var request = await policy.AuthorizeAsync("p/a.encrypted", new Dictionary<string, string>(), new MemoryStream([1]), CancellationToken.None);

        Assert.That((request.ServerSideEncryptionMethod, request.ServerSideEncryptionKmsKeyId), Is.EqualTo((ServerSideEncryptionMethod.Kms, SseKey)));
    }

    private static SharePolicy Policy(ServerSideEncryptionOptions sse) =>
        new("test", "bucket", "p", new AllowAllRule(), sse, NullLogger.Instance);

    private sealed class AllowAllRule : IBodyRule
    {
        public string ObjectKeySuffix => ".encrypted";

        public string? Check(ReadOnlySpan<byte> head, bool isWholeBody) => null;

        public IBodyValidator CreateValidator() => new AllowAllValidator();
    }

    private sealed class AllowAllValidator : IBodyValidator
    {
        public long JudgedLength => 0;

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
