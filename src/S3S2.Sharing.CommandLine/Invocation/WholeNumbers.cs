using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>
/// Options that take a whole number in a range: a value outside it, or no number at all, is a usage error (exit 2)
/// naming the option, the value and the range, instead of System.CommandLine's type name or, once the value reached
/// the library, the name of the property it set.
/// </summary>
internal static class WholeNumbers
{
    public static Option<int?> Within(this Option<int?> option, int minimum, int? maximum = null)
    {
        option.CustomParser = result => (int?)Parse(result, option.Name, minimum, maximum);
        return option;
    }

    public static Option<long?> Within(this Option<long?> option, long minimum)
    {
        option.CustomParser = result => Parse(result, option.Name, minimum, maximum: null);
        return option;
    }

    private static long? Parse(ArgumentResult result, string name, long minimum, long? maximum)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= (maximum ?? long.MaxValue))
        {
            return value;
        }

        result.AddError(maximum is { } most
            ? string.Create(CultureInfo.InvariantCulture, $"{name} '{text}' is not a whole number from {minimum} to {most}.")
            : string.Create(CultureInfo.InvariantCulture, $"{name} '{text}' is not a whole number of at least {minimum}."));
        return null;
    }
}
