namespace S3S2.Sharing.DependencyInjection;

/// <summary>The names every <c>AddS3S2Sharing(name, ...)</c> call registered, so a misspelt name is reported as such.</summary>
internal sealed class RegisteredClientNames
{
    /// <summary>Gets the names, in registration order.</summary>
    public List<string> Names { get; } = [];

    /// <summary>Throws when <paramref name="name"/> was never registered, naming the ones that were.</summary>
    public void ThrowIfUnknown(string name, string kind)
    {
        if (!Names.Contains(name, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"S3S2: no {kind} named '{name}'; registered: {(Names.Count == 0 ? "none" : string.Join(", ", Names))}. Use one of those names, or register it with services.AddS3S2Sharing(\"{name}\", ...).");
        }
    }
}
