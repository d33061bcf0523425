using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace S3S2.Sharing.Sharing;

/// <summary>Share ids sort by creation time: <c>yyyyMMddTHHmmssfffZ-</c> plus 8 random hex digits.</summary>
internal static class ShareId
{
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>Whether <paramref name="value"/> has the form of a share id (it becomes a folder name on the receiver's disk).</summary>
    /// <remarks>Checked by hand, not by a regular expression: every share writes its manifest through this check, and
    /// the regular expression engine's assembly alone cost each process a noticeable part of its start-up.</remarks>
    public static bool IsValid(string? value)
    {
        // yyyyMMdd T HHmmssfff Z - 8 lower-case hex digits
        if (value is not { Length: 28 } || value[8] != 'T' || value[18] != 'Z' || value[19] != '-')
        {
            return false;
        }

        return value.AsSpan(0, 8).IndexOfAnyExceptInRange('0', '9') < 0
            && value.AsSpan(9, 9).IndexOfAnyExceptInRange('0', '9') < 0
            && value.AsSpan(20).IndexOfAnyExcept(LowerHex) < 0;
    }

    public static string New(DateTimeOffset utcNow) =>
        utcNow.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)
        + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
}
