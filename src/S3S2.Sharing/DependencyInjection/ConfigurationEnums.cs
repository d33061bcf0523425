using Microsoft.Extensions.Configuration;

namespace S3S2.Sharing.DependencyInjection;

/// <summary>Checks enum values in configuration before binding, so a typo is a validation error that names the key and the allowed values.</summary>
internal static class ConfigurationEnums
{
    /// <summary>Adds an error per unknown value to <paramref name="errors"/> and its relative key to <paramref name="invalid"/>.</summary>
    public static void Check(IConfiguration section, string client, Func<string, string> fullKey, IEnumerable<(string Key, Type Enum)> keys, List<string> errors, HashSet<string> invalid)
    {
        foreach (var (key, type) in keys)
        {
            if (section[key] is not { Length: > 0 } value)
            {
                continue;
            }

            // Enum.TryParse also takes numbers and comma lists ("1", "Kms,S3Managed"); only a single defined name is allowed.
            if (!Enum.GetNames(type).Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{client}: {fullKey(key)} '{value}' is not one of the allowed values: {string.Join(", ", Enum.GetNames(type))}. Fix the value in the configuration.");
                invalid.Add(key);
            }
        }
    }
}
