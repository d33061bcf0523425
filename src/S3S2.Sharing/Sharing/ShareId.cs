using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace S3S2.Sharing.Sharing;

/// <summary>Share ids sort by creation time: <c>yyyyMMddTHHmmssfffZ-</c> plus 8 random hex digits.</summary>
internal static partial class ShareId
{
    /// <summary>Whether <paramref name="value"/> has the form of a share id (it becomes a folder name on the receiver's disk).</summary>
    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    public static string New(DateTimeOffset utcNow) =>
        utcNow.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)
        + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    [GeneratedRegex("^[0-9]{8}T[0-9]{9}Z-[0-9a-f]{8}\\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Pattern();
}
