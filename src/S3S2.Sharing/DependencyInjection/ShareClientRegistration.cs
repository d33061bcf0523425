using S3S2.Sharing.Encryption;
using S3S2.Sharing.Receiving;
using S3S2.Sharing.Upload;

namespace S3S2.Sharing.DependencyInjection;

/// <summary>Which strategies a named client was given; filled in by the builder's <c>Add*</c> extensions.</summary>
internal sealed class ShareClientRegistration
{
    /// <summary>Gets the encryption modes added, in order (for example "OpenPGP").</summary>
    public List<string> Encryptions { get; } = [];

    /// <summary>Gets the host's encryptor factories added with <c>AddEncryptor(...)</c>; each replaces the built-in implementation of the configured format.</summary>
    public List<Func<IServiceProvider, IEncryptor>> CustomEncryptors { get; } = [];

    /// <summary>Gets the uploaders added, in order, with their factories.</summary>
    public List<(string Description, bool RequiresBucket, Func<IServiceProvider, string, IUploader> Create)> Uploaders { get; } = [];

    /// <summary>Gets the stores shares are read back from, added with the uploaders (the same bucket or folder).</summary>
    public List<(string Description, Func<IServiceProvider, string, IShareStore> Create)> Stores { get; } = [];

    /// <summary>Gets or sets a value indicating whether <c>AddShareSigning(...)</c> was called: each share's manifest is signed.</summary>
    public bool Signs { get; set; }

    /// <summary>Gets or sets the signing key fingerprint a profile requires; the client must then sign with <c>AddShareSigning(...)</c>.</summary>
    public string? RequiredSigner { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>AddReceiving(...)</c> was called: a receive-only client needs no encryptor.</summary>
    public bool Receives { get; set; }
}
