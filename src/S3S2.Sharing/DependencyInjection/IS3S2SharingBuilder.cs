namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures one S3S2 share client: its encryption and where it uploads.</summary>
public interface IS3S2SharingBuilder
{
    /// <summary>Gets the client name.</summary>
    string Name { get; }

    /// <summary>Gets the service collection the client is registered in.</summary>
    IServiceCollection Services { get; }
}
