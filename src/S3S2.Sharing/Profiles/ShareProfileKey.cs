using System.Text;
using Org.BouncyCastle.Bcpg;
using S3S2.Sharing.Encryption.OpenPgp;

namespace S3S2.Sharing.Profiles;

/// <summary>One receiver public key and the fingerprint it must have.</summary>
public sealed class ShareProfileKey
{
    /// <summary>Gets or sets the pinned primary-key fingerprint (40 hex digits).</summary>
    public string Fingerprint { get; set; } = string.Empty;

    /// <summary>Gets or sets the armored public key.</summary>
    public string PublicKey { get; set; } = string.Empty;

    /// <summary>
    /// Reads the receiver's public key(s) and returns one profile entry per key, each pinned to its own
    /// fingerprint. The keys are checked as partners will use them (public, able to encrypt, not expired).
    /// </summary>
    /// <param name="source">The receiver's public key file or string.</param>
    /// <returns>One entry per public key.</returns>
    public static IReadOnlyList<ShareProfileKey> FromPublicKeys(OpenPgpKeySource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return OpenPgpRecipientKeys.Load([source], DateTime.UtcNow)
            .Select(recipient =>
            {
                using var buffer = new MemoryStream();
                using (var armored = new ArmoredOutputStream(buffer))
                {
                    recipient.Ring.Encode(armored);
                }

                return new ShareProfileKey { Fingerprint = recipient.Fingerprint, PublicKey = Encoding.ASCII.GetString(buffer.ToArray()) };
            })
            .ToList();
    }
}
