namespace S3S2.Sharing.Diagnostics;

/// <summary>
/// The name of the environment variable that holds a passphrase, as an error may show it. A setting that is not a
/// variable name is most likely the passphrase itself, put where its variable's name belongs: it is never repeated.
/// </summary>
internal static class EnvironmentVariableNames
{
    /// <summary>What an error says instead of a value that is not a variable name.</summary>
    public const string NotAName = "is not an environment variable name (it is not repeated here: it may be the passphrase itself). Give the name of the variable that holds the passphrase, for example S3S2_PASSPHRASE";

    /// <summary>Whether <paramref name="value"/> is a portable variable name: a letter or '_', then letters, digits and '_'.</summary>
    public static bool IsName(string? value) =>
        value is { Length: > 0 } && (char.IsAsciiLetter(value[0]) || value[0] == '_') && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
