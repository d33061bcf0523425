using System.Globalization;
using Microsoft.Extensions.Options;
using S3S2.Sharing.Policy;
using S3S2.Sharing.Storage;

namespace S3S2.Sharing.DependencyInjection;

/// <summary>Checks a client's options and the strategies it was given; lists every problem at once.</summary>
internal sealed class ShareClientOptionsValidator(IOptionsMonitor<ShareClientRegistration> registrations) : IValidateOptions<ShareClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ShareClientOptions options)
    {
        name ??= Options.DefaultName;
        var client = $"S3S2 client '{name}'";
        var registration = registrations.Get(name);
        var errors = new List<string>(registration.ConfigurationErrors);

        if (registration.Encryptions.Count == 0 && registration.CustomEncryptors.Count > 0)
        {
            errors.Add($"{client}: AddEncryptor(...) was called but no format is configured for the share policy to check its output against. Also call AddOpenPgpEncryption(...) (recipient keys, pins) or AddKmsEnvelopeEncryption(...) (key ARNs).");
        }
        else if (registration.Encryptions.Count == 0 && !registration.Receives)
        {
            errors.Add($"{client}: no encryptor is configured. Call AddOpenPgpEncryption(...) or AddKmsEnvelopeEncryption(...).");
        }
        else if (registration.Encryptions.Count > 1)
        {
            errors.Add($"{client}: {registration.Encryptions.Count} encryptors are configured ({string.Join(", ", registration.Encryptions)}); a client encrypts one way. Keep one Add...Encryption(...) call, or register a second named client.");
        }

        if (registration.CustomEncryptors.Count > 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: AddEncryptor(...) was called {registration.CustomEncryptors.Count} times; a client encrypts one way. Keep one."));
        }

        if (registration.Stores.Count == 0 && !registration.Receives)
        {
            errors.Add($"{client}: no store is configured (where shares live). Call AddS3Store(...) or AddLocalFolderStore(path).");
        }
        else if (registration.Stores.Count > 1)
        {
            errors.Add($"{client}: {registration.Stores.Count} stores are configured ({string.Join(", ", registration.Stores.Select(u => u.Description))}). Keep one.");
        }
        else if (registration.Stores.Count == 1 && registration.Stores[0].RequiresBucket && string.IsNullOrWhiteSpace(options.Bucket))
        {
            errors.Add(registration.ConfigurationPath is null
                ? $"{client}: Bucket is not set but the S3 store needs one. Set options.Bucket to the receiver's bucket name."
                : $"{client}: {registration.KeyOf("Bucket", "Bucket")} is not set but the S3 store needs one. Set {registration.KeyOf("Bucket", "Bucket")} in the configuration to the receiver's bucket name.");
        }

        if (registration.RequiredSigner is { } signer && !registration.Signs)
        {
            errors.Add($"{client}: the share profile requires shares signed with key {signer}, but no signing key is configured. Call AddShareSigning(o => o.SigningKey = OpenPgpKeySource.FromFile(\"partner.sec.asc\")) (CLI: --sign-key FILE).");
        }

        try
        {
            var shares = registration.Encryptions.Count > 0 || registration.CustomEncryptors.Count > 0;
            var prefix = ObjectKeys.NormalizePrefix(options.Prefix);
            if (shares && prefix.Length == 0 && !options.AllowBucketRoot
                && registration.Stores.Count == 1 && registration.Stores[0].RequiresBucket)
            {
                errors.Add($"{client}: {registration.KeyOf("Prefix", "Prefix")} is empty, so shares would be written at the top of bucket '{options.Bucket}' (a misspelt configuration key has the same effect). Set it to the prefix the receiver gave you (for example 'partners/acme'), or set {registration.KeyOf("AllowBucketRoot", "AllowBucketRoot")} = true to write at the top on purpose.");
            }
        }
        catch (ArgumentException ex)
        {
            var problem = ex.Message.Split(" (Parameter", 2)[0];
            errors.Add($"{client}: {(problem.StartsWith("Prefix ", StringComparison.Ordinal) ? registration.KeyOf("Prefix", "Prefix") + problem["Prefix".Length..] : problem)}");
        }

        if (options.MaxConcurrentFiles is < 1 or > 64)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: {registration.KeyOf("MaxConcurrentFiles", "MaxConcurrentFiles")} {options.MaxConcurrentFiles} must be between 1 and 64."));
        }

        if (string.IsNullOrWhiteSpace(options.SenderName))
        {
            errors.Add($"{client}: {registration.KeyOf("SenderName", "SenderName")} is empty. Set it to the partner's name (it is written into each manifest).");
        }

        ServerSideEncryptionRules.Validate(client, options.ServerSideEncryption, property => registration.KeyOf("ServerSideEncryption:" + property, "ServerSideEncryption." + property), errors);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
