using Amazon.Runtime;

namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>Gives the AWS SDK an HTTP client whose pipeline runs through a <see cref="FaultInjectingHandler"/>.</summary>
internal sealed class FaultInjectingHttpClientFactory(FaultInjectingHandler handler) : HttpClientFactory
{
    // The clients share the one handler (and its connections); disposing a client leaves the handler alone.
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
}
