namespace S3S2.Sharing;

/// <summary>Creates the share clients registered with <c>AddS3S2Sharing(name, ...)</c>.</summary>
public interface IShareClientFactory
{
    /// <summary>Returns the client registered under <paramref name="name"/>, validating its configuration on first use.</summary>
    /// <param name="name">The client name; <see cref="ShareClientOptions.DefaultName"/> for the unnamed registration.</param>
    /// <returns>The client; one instance per name.</returns>
    IShareClient CreateClient(string name);
}
