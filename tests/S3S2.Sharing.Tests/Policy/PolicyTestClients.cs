using Microsoft.Extensions.Logging.Abstractions;
using S3S2.Sharing.Encryption;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Sharing;
using S3S2.Sharing.Tests.Infrastructure;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.Tests.Policy;

/// <summary>A share client for the policy fixtures: prefix <c>partners/acme</c>, the policy pinned to one receiver key.</summary>
internal static class PolicyTestClients
{
    public const string Prefix = "partners/acme";

    public static SharePolicy Policy(OpenPgpGeneratedKey pinned, string? bucket = "inbox") =>
        new("default", bucket, Prefix, new OpenPgpMessageRule(TestKeys.Recipients(pinned), [pinned.Fingerprint]), null, NullLogger.Instance);

    public static ShareClient Client(IEncryptor encryptor, IUploader uploader, OpenPgpGeneratedKey pinned, string? bucket = "inbox") =>
        new("default", new ShareClientOptions { Bucket = bucket, Prefix = Prefix }, encryptor, Policy(pinned, bucket), uploader, TimeProvider.System, NullLogger.Instance);
}
