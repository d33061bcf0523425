namespace Microsoft.Extensions.DependencyInjection;

internal sealed record S3S2SharingBuilder(string Name, IServiceCollection Services) : IS3S2SharingBuilder;
