using S3S2.Sharing.Encryption;

namespace S3S2.Sharing.Receiving;

/// <summary>The message being decrypted.</summary>
/// <param name="Description">For errors, for example <c>object 'in/ID/a.csv.gpg'</c>; never content or keys.</param>
/// <param name="Context">The share and file it belongs to, when known (KMS envelope messages are bound to it).</param>
internal sealed record DecryptionMessage(string Description, EncryptionContext? Context)
{
    /// <summary>Gets the list that collects the OpenPGP signature packets found inside the message (for a manifest); <see langword="null"/>: they are skipped.</summary>
    public List<byte[]>? Signatures { get; init; }
}
