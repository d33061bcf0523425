using System.Text.Json;

namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>IAM's JSON habit of "one value or a list of values", read the same way everywhere.</summary>
internal static class PolicyJson
{
    public static IReadOnlyList<string> Strings(JsonElement element, string where) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().Select(e => Scalar(e, where)).ToList(),
        _ => [Scalar(element, where)],
    };

    private static string Scalar(JsonElement element, string where) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => element.GetRawText(),
        _ => throw new FormatException($"{where}: expected a string or a list of strings, not {element.ValueKind}."),
    };
}
