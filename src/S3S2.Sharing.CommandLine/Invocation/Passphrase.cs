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

        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(value)
            ? throw new UsageException($"--passphrase-env names '{variable}', but that environment variable is not set or empty. Export it first.")
            : value;
    }
}
