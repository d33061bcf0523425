using S3S2.Sharing.Encryption;

namespace S3S2.Sharing.Tests;

/// <summary>A broken encryptor that writes the plaintext unchanged: what the policy exists to stop.</summary>
internal sealed class PassThroughEncryptor : IEncryptor
{
    public EncryptionDescriptor Descriptor { get; } = new("openpgp", ".gpg", ["NONE"], "none");

    public Task EncryptAsync(Stream plaintext, Stream ciphertext, EncryptionContext context, CancellationToken cancellationToken = default) =>
        plaintext.CopyToAsync(ciphertext, cancellationToken);
}
