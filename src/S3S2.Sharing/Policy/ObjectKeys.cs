namespace S3S2.Sharing.Policy;

/// <summary>The rules for object keys and prefixes: '/'-separated, no empty, '.' or '..' segments, no '\' or control characters.</summary>
internal static class ObjectKeys
{
    /// <summary>Returns what is wrong with a key or relative path, or <see langword="null"/>.</summary>
    public static string? FindProblem(string path)
    {
        if (path.Length == 0)
        {
            return "is empty";
        }

        if (path[0] == '/')
        {
            return "starts with '/'";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "contains '\\'";
        }

        if (path.Any(char.IsControl))
        {
            return "contains a control character";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return $"has an empty, '.' or '..' segment";
            }
        }

        return null;
    }

    /// <summary>Normalizes a configured prefix: surrounding '/' removed; throws when what remains is not a valid key.</summary>
    public static string NormalizePrefix(string? prefix)
    {
        var trimmed = (prefix ?? string.Empty).Trim('/');
        return trimmed.Length == 0 || FindProblem(trimmed) is null
            ? trimmed
            : throw new ArgumentException($"Prefix '{prefix}' {FindProblem(trimmed)}. Use segments separated by '/', for example 'partners/acme'.", nameof(prefix));
    }
}
