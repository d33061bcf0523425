using System.Text;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>Where an OpenPGP key comes from: a file, a string or a stream, armored or binary.</summary>
public sealed class OpenPgpKeySource
{
    private readonly Func<Stream> _open;

    private OpenPgpKeySource(string description, Func<Stream> open)
    {
        Description = description;
        _open = open;
    }

    /// <summary>Gets a description for error messages (a file path, never key material).</summary>
    public string Description { get; }

    /// <summary>A key file (armored <c>.asc</c> or binary <c>.gpg</c>).</summary>
    /// <param name="path">The path of the key file.</param>
    /// <returns>The key source.</returns>
    public static OpenPgpKeySource FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new OpenPgpKeySource($"key file '{path}'", () => File.OpenRead(path));
    }

    /// <summary>An armored key in a string.</summary>
    /// <param name="armored">The armored key block(s).</param>
    /// <returns>The key source.</returns>
    public static OpenPgpKeySource FromArmoredString(string armored)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(armored);
        var bytes = Encoding.UTF8.GetBytes(armored);
        return new OpenPgpKeySource("armored key string", () => new MemoryStream(bytes, writable: false));
    }

    /// <summary>Key bytes, armored or binary.</summary>
    /// <param name="key">The key bytes; copied.</param>
    /// <returns>The key source.</returns>
    public static OpenPgpKeySource FromBytes(ReadOnlySpan<byte> key)
    {
        var bytes = key.ToArray();
        return new OpenPgpKeySource("key bytes", () => new MemoryStream(bytes, writable: false));
    }

    /// <summary>A key read from a stream each time keys are loaded.</summary>
    /// <param name="open">Opens the stream; the library disposes it.</param>
    /// <param name="description">A description for error messages.</param>
    /// <returns>The key source.</returns>
    public static OpenPgpKeySource FromStream(Func<Stream> open, string description = "key stream")
    {
        ArgumentNullException.ThrowIfNull(open);
        return new OpenPgpKeySource(description, open);
    }

    /// <summary>Reads the whole key (key files are small).</summary>
    internal byte[] ReadAll()
    {
        try
        {
            using var stream = _open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EncryptionKeyException($"Cannot read the {Description}: {ex.Message} Check the path and its permissions.", ex);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Description;
}
