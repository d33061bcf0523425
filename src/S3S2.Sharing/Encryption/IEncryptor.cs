namespace S3S2.Sharing.Encryption;

/// <summary>
/// Turns a plaintext stream into a ciphertext stream. Whatever an encryptor writes is still checked by the
/// share policy before it is uploaded, so an encryptor cannot weaken what reaches the receiver.
/// </summary>
public interface IEncryptor
{
    /// <summary>Gets what this encryptor produces, for the manifest, object keys and logs.</summary>
    EncryptionDescriptor Descriptor { get; }

    /// <summary>Reads <paramref name="plaintext"/> to its end and writes the encrypted message to <paramref name="ciphertext"/>.</summary>
    /// <param name="plaintext">The plaintext, read once.</param>
    /// <param name="ciphertext">Receives the message; left open.</param>
    /// <param name="context">The share and file this message belongs to.</param>
    /// <param name="cancellationToken">Stops the encryption.</param>
    /// <returns>A task that completes when the whole message is written.</returns>
    Task EncryptAsync(Stream plaintext, Stream ciphertext, EncryptionContext context, CancellationToken cancellationToken = default);
}
