using System.Collections.Concurrent;
using System.Globalization;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>
/// The receiver's secret keys, read on first use and unlocked one key at a time when a message needs it. The
/// passphrase is asked for through the callback, used, and cleared; it never appears in a message.
/// </summary>
internal sealed class OpenPgpSecretKeys
{
    private readonly IReadOnlyList<OpenPgpKeySource> _sources;
    private readonly Func<string>? _passphrase;
    private readonly Lazy<Dictionary<long, (PgpSecretKey Key, OpenPgpKeySource Source, bool MayDecrypt)>> _keys;
    private readonly ConcurrentDictionary<long, Lazy<OpenPgpSessionKeyDecryptor>> _decryptors = new();

    public OpenPgpSecretKeys(IReadOnlyList<OpenPgpKeySource> sources, Func<string>? passphrase)
    {
        _sources = sources;
        _passphrase = passphrase;
        _keys = new Lazy<Dictionary<long, (PgpSecretKey, OpenPgpKeySource, bool)>>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static string FormatKeyId(long keyId) => unchecked((ulong)keyId).ToString("X16", CultureInfo.InvariantCulture);

    /// <summary>The ids of every usable secret key (primary keys and subkeys).</summary>
    public IEnumerable<long> KeyIds => _keys.Value.Keys;

    /// <summary>
    /// The ids of the secret keys that may decrypt: an encryption algorithm and, by their verified self-signatures,
    /// encryption key flags. A sign-only primary key is never among them. A hidden-recipient message is tried with these.
    /// </summary>
    public IEnumerable<long> EncryptionKeyIds => _keys.Value.Where(k => k.Value.MayDecrypt).Select(k => k.Key);

    public bool Has(long keyId) => _keys.Value.ContainsKey(keyId);

    /// <summary>Whether the key is one of <see cref="EncryptionKeyIds"/>.</summary>
    public bool MayDecrypt(long keyId) => _keys.Value.TryGetValue(keyId, out var key) && key.MayDecrypt;

    /// <summary>
    /// The key, unlocked and converted once, ready to recover session keys; throws <see cref="EncryptionKeyException"/>
    /// when the passphrase is missing or wrong.
    /// </summary>
    public OpenPgpSessionKeyDecryptor Decryptor(long keyId) =>
        _decryptors.GetOrAdd(keyId, id => new Lazy<OpenPgpSessionKeyDecryptor>(() => Unlock(id), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private OpenPgpSessionKeyDecryptor Unlock(long id)
    {
        var (key, source, _) = _keys.Value[id];
        var name = $"secret key {FormatKeyId(id)} from the {source}";
        var protectedKey = key.KeyEncryptionAlgorithm != Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.Null;
        if (protectedKey && _passphrase is null)
        {
            throw new EncryptionKeyException($"The {name} is protected by a passphrase, but none is configured. Set ReceiveClientOptions.Passphrase (CLI: --passphrase-env VAR).");
        }

        var passphrase = protectedKey ? _passphrase!().ToCharArray() : [];
        try
        {
            // RSA goes straight into .NET's RSA: BouncyCastle's own conversion re-tests the modulus, a cost every decrypt paid.
            return OpenPgpRsaSecretKey.IsRsa(key.PublicKey)
                ? new OpenPgpSessionKeyDecryptor(OpenPgpRsaSecretKey.Unlock(key, passphrase))
                : new OpenPgpSessionKeyDecryptor(key.ExtractPrivateKey(passphrase)
                    ?? throw new EncryptionKeyException($"The {name} holds no private key material (a stub exported with --export-secret-subkeys?). Export the full secret key."));
        }
        catch (PgpException ex)
        {
            throw new EncryptionKeyException($"Cannot unlock the {name}: the passphrase is wrong or the key is damaged. Check the passphrase (ReceiveClientOptions.Passphrase, CLI: --passphrase-env VAR).", ex);
        }
        finally
        {
            Array.Clear(passphrase);
        }
    }

    private Dictionary<long, (PgpSecretKey, OpenPgpKeySource, bool)> Load()
    {
        if (_sources.Count == 0)
        {
            throw new EncryptionKeyException("No OpenPGP secret key is configured, so nothing can be decrypted. Add the receiver's secret key: o.SecretKeys.Add(OpenPgpKeySource.FromFile(\"receiver.sec.asc\")) (CLI: --pgp-secret-key FILE).");
        }

        var keys = new Dictionary<long, (PgpSecretKey, OpenPgpKeySource, bool)>();
        foreach (var source in _sources)
        {
            var bytes = source.ReadAll();
            var found = 0;
            try
            {
                using var input = PgpUtilities.GetDecoderStream(new MemoryStream(bytes, writable: false));
                var factory = new PgpObjectFactory(input);
                for (var item = factory.NextPgpObject(); item is not null; item = factory.NextPgpObject())
                {
                    switch (item)
                    {
                        case PgpSecretKeyRing ring:
                            var primary = ring.GetPublicKey();
                            foreach (var key in ring.GetSecretKeys().Where(k => !k.IsPrivateKeyEmpty))
                            {
                                // An unprotected RSA key's own primes prove its modulus before its self-signatures are
                                // verified, so BouncyCastle's test of it is skipped; a key they do not prove keeps that test.
                                OpenPgpSelfSignatures.RecordModulusProvenBySecret(key);
                            }

                            foreach (var key in ring.GetSecretKeys().Where(k => !k.IsPrivateKeyEmpty))
                            {
                                keys.TryAdd(key.KeyId, (key, source, OpenPgpSelfSignatures.AllowsEncryption(primary, key.PublicKey)));
                                found++;
                            }

                            break;
                        case PgpPublicKeyRing:
                            throw new EncryptionKeyException(
                                $"The {source} holds a public key, but decrypting needs the receiver's secret key. Give the secret key file (from 's3s2 keygen': NAME.sec.asc; from gpg: 'gpg --armor --export-secret-keys KEYID').");
                        default:
                            throw new EncryptionKeyException($"The {source} holds an OpenPGP {item.GetType().Name}, not a secret key. Give the receiver's exported secret key.");
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
                    $"The {source} is not a readable OpenPGP secret key ({ex.Message}). Give an armored (.asc) or binary secret key exported with 'gpg --export-secret-keys'.", ex);
            }

            if (found == 0)
            {
                throw new EncryptionKeyException($"The {source} holds no usable OpenPGP secret key. Give an armored (.asc) or binary secret key exported with 'gpg --export-secret-keys'.");
            }
        }

        return keys;
    }
}
