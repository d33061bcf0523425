namespace S3S2.Sharing.Receiving;

/// <summary>
/// Turns one encrypted message into plaintext, streamed. Implementations authenticate what they release as far as
/// their format allows and throw <see cref="IntegrityException"/> when a check fails; the caller keeps nothing
/// until the call returns. Chosen by the manifest's encryption mode, or by the object key's suffix.
/// </summary>
internal interface IDecryptor
{
    /// <summary>Gets the encryption mode this decryptor reads (as written in manifests: <c>openpgp</c>, <c>kms-envelope</c>).</summary>
    string Mode { get; }

    /// <summary>Gets the object key suffixes of this mode's messages (for example <c>.gpg</c>).</summary>
    IReadOnlyList<string> ObjectKeySuffixes { get; }

    /// <summary>Reads <paramref name="ciphertext"/> to its end and writes the plaintext to <paramref name="plaintext"/>.</summary>
    /// <param name="ciphertext">The message; need not be seekable.</param>
    /// <param name="plaintext">Receives the plaintext; left open.</param>
    /// <param name="message">What is decrypted: a description for errors and, when known, the share and file it belongs to.</param>
    /// <param name="cancellationToken">Stops the decryption.</param>
    Task DecryptAsync(Stream ciphertext, Stream plaintext, DecryptionMessage message, CancellationToken cancellationToken);
}
