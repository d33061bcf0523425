using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace S3S2.Sharing.DependencyInjection;

/// <summary>
/// A view of a configuration section that hides some keys (relative, ':'-separated), so the binder skips values that
/// validation already reported (an unknown enum value) instead of throwing a bare <see cref="InvalidOperationException"/>.
/// </summary>
internal sealed class ConfigurationWithout : IConfigurationSection
{
    private readonly IConfiguration _inner;
    private readonly IReadOnlySet<string> _hidden;
    private readonly string _relativePath;

    private ConfigurationWithout(IConfiguration inner, IReadOnlySet<string> hidden, string relativePath)
    {
        _inner = inner;
        _hidden = hidden;
        _relativePath = relativePath;
    }

    public string Key => (_inner as IConfigurationSection)?.Key ?? string.Empty;

    public string Path => (_inner as IConfigurationSection)?.Path ?? string.Empty;

    public string? Value
    {
        get => _hidden.Contains(_relativePath) ? null : (_inner as IConfigurationSection)?.Value;
        set
        {
            if (_inner is IConfigurationSection section)
            {
                section.Value = value;
            }
        }
    }

    public string? this[string key]
    {
        get => _hidden.Contains(Combine(key)) ? null : _inner[key];
        set => _inner[key] = value;
    }

    public static IConfiguration Create(IConfiguration section, IReadOnlySet<string> hidden) =>
        hidden.Count == 0 ? section : new ConfigurationWithout(section, hidden, string.Empty);

    public IEnumerable<IConfigurationSection> GetChildren() =>
        _inner.GetChildren().Where(child => !_hidden.Contains(Combine(child.Key))).Select(child => new ConfigurationWithout(child, _hidden, Combine(child.Key)));

    public IChangeToken GetReloadToken() => _inner.GetReloadToken();

    public IConfigurationSection GetSection(string key) => new ConfigurationWithout(_inner.GetSection(key), _hidden, Combine(key));

    private string Combine(string key) => _relativePath.Length == 0 ? key : $"{_relativePath}:{key}";
}
