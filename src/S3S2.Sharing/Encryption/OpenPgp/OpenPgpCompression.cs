namespace S3S2.Sharing.Encryption.OpenPgp;

/// <summary>Compression applied inside the OpenPGP message, before encryption.</summary>
public enum OpenPgpCompression
{
    /// <summary>No compression: fastest; right for data that is already compressed.</summary>
    None,

    /// <summary>zlib (RFC 1950), which every OpenPGP implementation reads. Good for CSV.</summary>
    Zlib,
}
