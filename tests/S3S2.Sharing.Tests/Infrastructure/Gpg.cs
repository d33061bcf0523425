namespace S3S2.Sharing.Tests.Infrastructure;

/// <summary>A throwaway GnuPG home: import keys, make keys, encrypt and decrypt with the real gpg.</summary>
internal sealed class Gpg : IDisposable
{
    private Gpg(string home)
    {
        Home = home;
    }

    public string Home { get; }

    public static Gpg Create()
    {
        if (!ProcessRunner.IsOnPath("gpg"))
        {
            RequiredTool.Missing("gpg (GnuPG)");
        }

        return new Gpg(Directory.CreateTempSubdirectory("s3s2-gnupg-").FullName);
    }

    public async Task<ProcessRunner.Result> RunAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(
            "gpg",
            ["--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", string.Empty, .. arguments],
            new Dictionary<string, string?> { ["GNUPGHOME"] = Home });
        return result;
    }

    public async Task ImportAsync(string armoredKey)
    {
        var file = Path.Combine(Home, Guid.NewGuid().ToString("N") + ".asc");
        await File.WriteAllTextAsync(file, armoredKey);
        var result = await RunAsync("--import", file);
        Assert.That(result.ExitCode, Is.Zero, () => "gpg --import failed: " + result.StandardError);
    }

    /// <summary>Makes an ed25519 primary key with a cv25519 encryption subkey; returns the primary fingerprint.</summary>
    public async Task<string> GenerateEccKeyAsync(string userId)
    {
        var generate = await RunAsync("--quick-generate-key", userId, "ed25519", "sign,cert", "never");
        Assert.That(generate.ExitCode, Is.Zero, () => generate.StandardError);
        var fingerprint = await FingerprintAsync(userId);
        var add = await RunAsync("--quick-add-key", fingerprint, "cv25519", "encr", "never");
        Assert.That(add.ExitCode, Is.Zero, () => add.StandardError);
        return fingerprint;
    }

    public async Task<string> FingerprintAsync(string userId)
    {
        var list = await RunAsync("--with-colons", "--list-keys", userId);
        return list.StandardOutput.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    public async Task<string> ExportPublicAsync(string fingerprint) => (await RunAsync("--armor", "--export", fingerprint)).StandardOutput;

    public async Task<string> ExportSecretAsync(string fingerprint) => (await RunAsync("--armor", "--export-secret-keys", fingerprint)).StandardOutput;

    /// <summary>Decrypts a message; returns the plaintext and gpg's status lines.</summary>
    public async Task<(byte[] Plaintext, string Status, int ExitCode)> DecryptAsync(byte[] message)
    {
        var input = Path.Combine(Home, Guid.NewGuid().ToString("N") + ".gpg");
        await File.WriteAllBytesAsync(input, message);
        var result = await RunAsync("--status-fd", "2", "--decrypt", input);
        return (result.StandardOutputBytes, result.StandardError, result.ExitCode);
    }

    public void Dispose()
    {
        // gpg-agent may still hold the home; it exits when its socket folder disappears.
        _ = ProcessRunner.RunAsync("gpgconf", ["--kill", "gpg-agent"], new Dictionary<string, string?> { ["GNUPGHOME"] = Home }).Wait(TimeSpan.FromSeconds(5));
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
