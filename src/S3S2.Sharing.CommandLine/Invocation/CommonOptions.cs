using System.CommandLine;

namespace S3S2.Sharing.CommandLine.Invocation;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Log what happens and show error details.",
        Recursive = true,
    };

    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "Print nothing but errors (and the JSON asked for with --json).",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the result as JSON on stdout.",
    };
}
