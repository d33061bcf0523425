using System.Globalization;
using System.Security.Cryptography;

namespace S3S2.Sharing.Sharing;

/// <summary>Share ids sort by creation time: <c>yyyyMMddTHHmmssfffZ-</c> plus 8 random hex digits.</summary>
internal static class ShareId
{
    public static string New(DateTimeOffset utcNow) =>
        utcNow.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)
        + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
}
