using S3S2.Sharing.Encryption;

namespace S3S2.Sharing.DependencyInjection;

/// <summary>Which strategies a named client was given; filled in by the builder's <c>Add*</c> extensions.</summary>
internal sealed class ShareClientRegistration
{
    /// <summary>Gets the encryption modes added, in order (for example "OpenPGP").</summary>
    public List<string> Encryptions { get; } = [];

    /// <summary>Gets the host's encryptor factories added with <c>AddEncryptor(...)</c>; each replaces the built-in implementation of the configured format.</summary>
    public List<Func<IServiceProvider, IEncryptor>> CustomEncryptors { get; } = [];

    /// <summary>Gets the stores added (<c>AddS3Store</c>, <c>AddLocalFolderStore</c>, <c>AddUploader</c>), in order: where shares are written and read back.</summary>
    public List<StoreRegistration> Stores { get; } = [];

    /// <summary>Gets or sets a value indicating whether <c>AddShareSigning(...)</c> was called: each share's manifest is signed.</summary>
    public bool Signs { get; set; }

    /// <summary>Gets or sets the signing key fingerprint a profile requires; the client must then sign with <c>AddShareSigning(...)</c>.</summary>
    public string? RequiredSigner { get; set; }

    /// <summary>Gets or sets the path of the configuration section the client was registered from (for example <c>S3S2</c>); <see langword="null"/> when configured in code.</summary>
    public string? ConfigurationPath { get; set; }

    /// <summary>Gets the problems found in configuration values that cannot be bound (an unknown enum value), reported by validation.</summary>
    public List<string> ConfigurationErrors { get; } = [];

    /// <summary>Gets the configuration keys of the key sources that came from configuration, so errors about them name the key.</summary>
    public Dictionary<object, string> ConfigurationKeys { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The name to show for a setting: its full configuration key when the client came from configuration, else the option's name.</summary>
    public string KeyOf(string relativeKey, string optionName) =>
        ConfigurationPath is null ? optionName : ConfigurationPath.Length == 0 ? relativeKey : $"{ConfigurationPath}:{relativeKey}";

    /// <summary>Gets or sets a value indicating whether <c>AddReceiving(...)</c> was called: a receive-only client needs no encryptor.</summary>
    public bool Receives { get; set; }
}
