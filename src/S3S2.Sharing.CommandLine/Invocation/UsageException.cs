namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>The command line asks for something that cannot be done (exit 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
