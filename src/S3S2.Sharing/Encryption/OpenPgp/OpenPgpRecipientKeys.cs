using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// Loads receivers' public keys and picks the key to encrypt to for each: the newest encryption-capable
/// subkey whose binding signature verifies and which is neither expired nor revoked, else the primary key
/// when it may encrypt. Secret keys are refused: a partner must only ever hold the receiver's public key.
/// </summary>
internal static class OpenPgpRecipientKeys
{
    public static IReadOnlyList<OpenPgpRecipient> Load(IEnumerable<OpenPgpKeySource> sources, DateTime utcNow)
    {
        var recipients = new List<OpenPgpRecipient>();
        foreach (var source in sources)
        {
            foreach (var ring in ReadPublicRings(source))
            {
                var recipient = SelectRecipient(ring, source, utcNow);
                if (!recipients.Exists(r => r.Fingerprint == recipient.Fingerprint))
                {
                    recipients.Add(recipient);
                }
            }
        }

        return recipients;
    }

    public static string FormatFingerprint(byte[] fingerprint) => Convert.ToHexString(fingerprint);

    /// <summary>Normalizes a user-typed fingerprint: spaces removed, upper case.</summary>
    public static string NormalizeFingerprint(string fingerprint) =>
        fingerprint.Replace(" ", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();

    private static List<PgpPublicKeyRing> ReadPublicRings(OpenPgpKeySource source)
    {
        var bytes = source.ReadAll();
        var rings = new List<PgpPublicKeyRing>();
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(bytes, writable: false));
            var factory = new PgpObjectFactory(input);
            for (var item = factory.NextPgpObject(); item is not null; item = factory.NextPgpObject())
            {
                switch (item)
                {
                    case PgpPublicKeyRing ring:
                        rings.Add(ring);
                        break;
                    case PgpSecretKeyRing:
                        throw new EncryptionKeyException(
                            $"The {source} holds a secret key. A partner must only hold the receiver's public key: export it with 'gpg --armor --export KEYID' (or use the .pub.asc file from 's3s2 keygen').");
                    default:
                        throw new EncryptionKeyException(
                            $"The {source} holds an OpenPGP {item.GetType().Name}, not a public key. Give the receiver's exported public key.");
                }
            }
        }
        catch (EncryptionKeyException)
        {
            throw;
        }
        catch (Exception ex) when (ex is IOException or PgpException or ArgumentException or InvalidOperationException)
        {
            throw new EncryptionKeyException(
                $"The {source} is not a readable OpenPGP public key ({ex.Message}). Give an armored (.asc) or binary public key exported with 'gpg --export'.", ex);
        }

        if (rings.Count == 0)
        {
            throw new EncryptionKeyException($"The {source} holds no OpenPGP public key. Give an armored (.asc) or binary public key exported with 'gpg --export'.");
        }

        return rings;
    }

    private static OpenPgpRecipient SelectRecipient(PgpPublicKeyRing ring, OpenPgpKeySource source, DateTime utcNow)
    {
        var primary = ring.GetPublicKey();
        var fingerprint = FormatFingerprint(primary.GetFingerprint());
        var userId = primary.GetUserIds().FirstOrDefault() ?? "no user id";
        var name = $"{fingerprint} ({userId}) from the {source}";

        if (IsRevoked(primary, primary, PgpSignature.KeyRevocation))
        {
            throw new EncryptionKeyException($"The key {name} is revoked. Ask the receiver for their current public key.");
        }

        if (IsExpired(primary.CreationTime, primary.GetValidSeconds(), utcNow))
        {
            throw new EncryptionKeyException($"The key {name} expired on {ExpiryOf(primary.CreationTime, primary.GetValidSeconds()):yyyy-MM-dd}. Ask the receiver for a key with a later expiry.");
        }

        PgpPublicKey? chosen = null;
        long chosenValidSeconds = 0;
        foreach (var key in ring.GetPublicKeys())
        {
            if (key.IsMasterKey || !key.IsEncryptionKey)
            {
                continue;
            }

            var binding = OpenPgpSelfSignatures.NewestBinding(primary, key);
            var validSeconds = binding?.GetHashedSubPackets()?.GetKeyExpirationTime() ?? 0;
            if (binding is null
                || !OpenPgpSelfSignatures.AllowsEncryption(primary, key)
                || IsRevoked(primary, key, PgpSignature.SubkeyRevocation)
                || IsExpired(key.CreationTime, validSeconds, utcNow))
            {
                continue;
            }

            if (chosen is null || key.CreationTime > chosen.CreationTime)
            {
                (chosen, chosenValidSeconds) = (key, validSeconds);
            }
        }

        if (chosen is null && OpenPgpSelfSignatures.AllowsEncryption(primary, primary))
        {
            chosen = primary;
        }

        return chosen is null
            ? throw new EncryptionKeyException(
                $"The key {name} has no valid encryption key: its encryption subkeys are expired, revoked or unsigned, or it is a sign-only key. Ask the receiver for a public key with a current encryption subkey.")
            : new OpenPgpRecipient(fingerprint, userId, chosen, ring, EarliestExpiry(
                (primary.CreationTime, primary.GetValidSeconds()),
                chosen == primary ? (primary.CreationTime, 0) : (chosen.CreationTime, chosenValidSeconds)));
    }

    private static bool IsRevoked(PgpPublicKey primary, PgpPublicKey key, int revocationType)
    {
        foreach (var signature in key.GetSignaturesOfType(revocationType))
        {
            if (signature.KeyId == primary.KeyId
                && (key.IsMasterKey ? OpenPgpSelfSignatures.VerifiesDirect(signature, primary) : OpenPgpSelfSignatures.VerifiesBinding(signature, primary, key)))
            {
                return true;
            }
        }

        return false;
    }

    private static DateTime? EarliestExpiry(params (DateTime Created, long ValidSeconds)[] keys) =>
        keys.Where(k => k.ValidSeconds > 0).Select(k => (DateTime?)ExpiryOf(k.Created, k.ValidSeconds)).Min();

    private static bool IsExpired(DateTime created, long validSeconds, DateTime utcNow) =>
        validSeconds > 0 && ExpiryOf(created, validSeconds) <= utcNow;

    private static DateTime ExpiryOf(DateTime created, long validSeconds) => created.AddSeconds(validSeconds);
}
