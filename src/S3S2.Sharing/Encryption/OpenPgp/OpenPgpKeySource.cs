using System.Text;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>Where an OpenPGP key comes from: a file, a string or a stream, armored or binary.</summary>
public sealed class OpenPgpKeySource
{
    private readonly Func<Stream> _open;

    /// <summary>The key's bytes, read once, when <see cref="Preload"/> was called; a read error is kept and thrown to every load.</summary>
    private Lazy<byte[]>? _preloaded;

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

    /// <summary>
    /// Starts reading and checking the key on another thread, so that this work (parsing, verifying its
    /// self-signatures, BouncyCastle's check of an RSA modulus) overlaps the caller's other start-up work: a process
    /// that shares or decrypts once can start it as soon as it knows the key. From then on every load of this source
    /// uses the bytes read once. Nothing is decided on that thread: the load that uses the key checks it in full and
    /// reports any problem (a missing file, a damaged key) with the same message as without preloading.
    /// </summary>
    /// <param name="cancellationToken">Stops the work ahead; the load that uses the key then does it.</param>
    public void Preload(CancellationToken cancellationToken = default)
    {
        var preloaded = new Lazy<byte[]>(ReadSource, LazyThreadSafetyMode.ExecutionAndPublication);
        if (Interlocked.CompareExchange(ref _preloaded, preloaded, null) is null && !cancellationToken.IsCancellationRequested)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Source.WarmUp(state.Token), (Source: this, Token: cancellationToken), preferLocal: false);
        }
    }

    /// <summary>Reads the whole key (key files are small), or returns the bytes <see cref="Preload"/> read.</summary>
    internal byte[] ReadAll() => Volatile.Read(ref _preloaded) is { } preloaded ? preloaded.Value : ReadSource();

    /// <inheritdoc/>
    public override string ToString() => Description;

    private byte[] ReadSource()
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

    /// <summary>
    /// Loads the key as the caller will, and drops the result: what stays is the work that does not depend on who asks
    /// (the bytes, BouncyCastle's verdict on each RSA modulus, the code loaded and compiled).
    /// </summary>
    private void WarmUp(CancellationToken cancellationToken)
    {
        try
        {
            _ = ReadAll();
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            // The receiver's secret key or a recipient's public key, told apart without a refused load (a thrown exception
            // costs a cold process more than the parse).
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(ReadAll(), writable: false));
            if (new PgpObjectFactory(input).NextPgpObject() is PgpSecretKeyRing)
            {
                _ = new OpenPgpSecretKeys([this], passphrase: null).KeyIds.Count();
            }
            else
            {
                _ = OpenPgpRecipientKeys.Load([this], DateTime.UtcNow);
            }
        }
#pragma warning disable CA1031 // Nothing is decided here: the load on the caller's path repeats the checks and reports what fails.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
