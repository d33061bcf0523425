using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X9;

namespace S3S2.Sharing.Encryption.Kms;

/// <summary>The ECDSA P-384 public key as the encryption context carries it: a compressed point (SEC 1), base64.</summary>
internal static class EsdkSignatures
{
    private const int CoordinateLength = 48;

    public static byte[] CompressedPublicKey(ECDsa key)
    {
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        var compressed = new byte[1 + CoordinateLength];
        compressed[0] = (byte)((q.Y![^1] & 1) == 0 ? 0x02 : 0x03);
        q.X!.CopyTo(compressed, 1);
        return compressed;
    }

    /// <summary>Imports a compressed P-384 point; BouncyCastle decompresses it, .NET verifies with it.</summary>
    /// <returns>The key, or <see langword="null"/> when the bytes are not a point on the curve.</returns>
    public static ECDsa? ImportCompressedPublicKey(byte[] compressed)
    {
        try
        {
            var curve = ECNamedCurveTable.GetByName("P-384");
            var point = curve.Curve.DecodePoint(compressed).Normalize();
            if (compressed.Length != 1 + CoordinateLength || !point.IsValid())
            {
                return null;
            }

            return ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP384,
                Q = new ECPoint { X = point.AffineXCoord.GetEncoded(), Y = point.AffineYCoord.GetEncoded() },
            });
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or CryptographicException)
        {
            return null;
        }
    }
}
