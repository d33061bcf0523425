namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>Passphrases come from an environment variable named on the command line, never from the command line itself.</summary>
internal static class Passphrase
{
    public static string FromEnvironment(string? variable)
    {
        if (variable is null)
        {
            return string.Empty;
        }

        // A value that is no variable name is most likely the passphrase itself: the error does not repeat it.
        if (variable.Length == 0 || !(char.IsAsciiLetter(variable[0]) || variable[0] == '_') || !variable.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new UsageException("--passphrase-env takes the name of the environment variable that holds the passphrase (for example S3S2_PASSPHRASE). What was given is not a variable name, and is not repeated here in case it is the passphrase itself.");
        }

        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(value)
            ? throw new UsageException($"--passphrase-env names '{variable}', but that environment variable is not set or empty. Export it first.")
            : value;
    }
}
