using S3S2.Sharing;
using S3S2.Sharing.Encryption.OpenPgp;
using S3S2.Sharing.Profiles;
using S3S2.Sharing.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures a share client from a receiver's profile.</summary>
public static class ProfileSharingBuilderExtensions
{
    /// <summary>
    /// Reads and checks the profile now (a bad or altered profile fails here), then sets the client's bucket and
    /// prefix, its encryption (OpenPGP with the receiver's keys pinned by fingerprint, or KMS envelope with the
    /// receiver's KMS keys), the SSE-KMS requirement if any, and an S3 uploader for the profile's region or endpoint
    /// (assuming the profile's role, when it names one).
    /// </summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="path">The profile file made by <c>s3s2 init</c>.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder UseProfile(this IS3S2SharingBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseProfile(ShareProfileSerializer.Read(path), includeUploader: true);
    }

    /// <summary>Like <see cref="UseProfile(IS3S2SharingBuilder, string)"/>, reading the profile from a stream.</summary>
    /// <param name="builder">The share client builder.</param>
    /// <param name="profile">The profile JSON.</param>
    /// <returns>The builder.</returns>
    public static IS3S2SharingBuilder UseProfile(this IS3S2SharingBuilder builder, Stream profile)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseProfile(ShareProfileSerializer.Read(profile), includeUploader: true);
    }

    /// <summary>Applies a checked profile; the uploader is left out when the caller chooses another store.</summary>
    internal static IS3S2SharingBuilder UseProfile(this IS3S2SharingBuilder builder, ShareProfile profile, bool includeUploader)
    {
        builder.Services.Configure<ShareClientOptions>(builder.Name, o =>
        {
            o.Bucket = profile.Bucket;
            o.Prefix = profile.Prefix;

            // The receiver wrote the profile: an empty prefix there is its decision, not a misspelt key.
            o.AllowBucketRoot = o.AllowBucketRoot || (profile.Prefix ?? string.Empty).Trim('/').Length == 0;
        });
        if (profile.ServerSideEncryption is { Required: true } required)
        {
            // After all configuration (PostConfigure), so that no setting can lift the receiver's requirement.
            builder.Services.PostConfigure<ShareClientOptions>(builder.Name, o => ServerSideEncryptionRules.CopyTo(required, o.ServerSideEncryption));
        }
        else if (profile.ServerSideEncryption is { } requested)
        {
            // Only asked for: the partner's own configuration may change it.
            builder.Services.Configure<ShareClientOptions>(builder.Name, o => ServerSideEncryptionRules.CopyTo(requested, o.ServerSideEncryption));
        }

        if (profile.Encryption.Mode == ShareProfileEncryption.KmsEnvelopeMode)
        {
            builder.AddKmsEnvelopeEncryption(o =>
            {
                // KMS is reached in the region the key ARNs name, not the bucket's.
                foreach (var key in profile.Encryption.KmsKeyIds)
                {
                    o.KeyIds.Add(key);
                }
            });
        }
        else
        {
            builder.AddOpenPgpEncryption(o =>
            {
                foreach (var key in profile.Encryption.OpenPgpKeys)
                {
                    o.RecipientKeys.Add(OpenPgpKeySource.FromArmoredString(key.PublicKey));
                    o.PinnedFingerprints.Add(key.Fingerprint);
                }
            });
        }

        if (profile.SigningKeyFingerprint is { } signer)
        {
            // After all configuration, so the signing key configured anywhere must be the profile's.
            builder.Services.PostConfigure<S3S2.Sharing.Signing.ShareSigningOptions>(builder.Name, o => o.PinnedFingerprint = signer);
            builder.Register(r => r.RequiredSigner = signer);
        }

        if (includeUploader)
        {
            builder.AddS3Store(o =>
            {
                o.Region = profile.Region;
                o.ServiceUrl = profile.ServiceUrl;
                o.RoleArn = profile.AssumeRole?.RoleArn;
                o.RoleExternalId = profile.AssumeRole?.ExternalId;
                o.RoleSessionName = profile.AssumeRole?.SessionName;
            });
        }

        return builder;
    }
}
