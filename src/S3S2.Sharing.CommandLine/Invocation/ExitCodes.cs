namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>The exit codes scripts rely on.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int PolicyRefused = 3;
    public const int IntegrityFailed = 4;

    /// <summary><c>s3s2 audit</c>: a finding at warning or worse.</summary>
    public const int FindingsFound = 5;
}
