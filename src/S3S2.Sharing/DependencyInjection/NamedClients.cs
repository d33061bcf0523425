using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace S3S2.Sharing.DependencyInjection;

/// <summary>
/// One client per name, built on first use. A build that throws (an unreadable key file, say) is not kept: the next
/// call builds again. (<see cref="Lazy{T}"/> asks the trimmer to keep a parameterless constructor of its type, so this
/// type passes the request on; the clients are always built by the factory given.)
/// </summary>
internal sealed class NamedClients<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>
{
    private readonly ConcurrentDictionary<string, Lazy<T>> _clients = new(StringComparer.Ordinal);

    /// <summary>Gets the clients built so far.</summary>
    public IEnumerable<T> Built => _clients.Values.Where(c => c.IsValueCreated).Select(c => c.Value);

    public T GetOrBuild(string name, Func<string, T> build)
    {
        var lazy = _clients.GetOrAdd(name, n => new Lazy<T>(() => build(n)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _clients.TryRemove(new(name, lazy));
            throw;
        }
    }
}
