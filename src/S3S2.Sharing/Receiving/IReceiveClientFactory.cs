namespace S3S2.Sharing.Receiving;

/// <summary>Creates the receive clients registered with <c>AddS3S2Sharing(name, ...).AddReceiving(...)</c>.</summary>
public interface IReceiveClientFactory
{
    /// <summary>Returns the receive client registered under <paramref name="name"/>, validating its configuration on first use.</summary>
    /// <param name="name">The client name; <see cref="ShareClientOptions.DefaultName"/> for the unnamed registration.</param>
    /// <returns>The client; one instance per name.</returns>
    IReceiveClient CreateClient(string name);
}
