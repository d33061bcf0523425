namespace S3S2.Sharing.Storage;

/// <summary>
/// The checks every user of <see cref="ServerSideEncryptionOptions"/> applies (client options, profiles, the bucket policy
/// generator, the S3 destination), so each refuses the same settings with the same words, naming its own keys.
/// </summary>
internal static class ServerSideEncryptionRules
{
    /// <summary>Adds a message per problem; <paramref name="key"/> turns a property name into the name the caller shows.</summary>
    public static void Validate(string who, ServerSideEncryptionOptions sse, Func<string, string> key, List<string> errors)
    {
        if (!Enum.IsDefined(sse.Method))
        {
            errors.Add($"{who}: {key("Method")} {(int)sse.Method} is not a server-side encryption method. Use None, S3Managed or Kms.");
        }

        if (sse.KmsKeyId is { } keyId && string.IsNullOrWhiteSpace(keyId))
        {
            errors.Add($"{who}: {key("KmsKeyId")} is blank. Give a KMS key ARN, or leave it out.");
        }
        else if (sse.KmsKeyId is not null && sse.Method != ServerSideEncryptionMethod.Kms)
        {
            errors.Add($"{who}: {key("KmsKeyId")} '{sse.KmsKeyId}' is set but {key("Method")} is {sse.Method}. Set {key("Method")} = Kms to use the key, or remove {key("KmsKeyId")}.");
        }

        if (sse.Required && sse.Method == ServerSideEncryptionMethod.None)
        {
            errors.Add($"{who}: server-side encryption is required ({key("Required")} = true) but {key("Method")} is None. Set {key("Method")} to Kms (with {key("KmsKeyId")}) or S3Managed.");
        }

        if (AllowedKeyProblem(sse) is { } problem)
        {
            errors.Add($"{who}: {problem} ({key("AllowedKmsKeyIds")}). Set {key("Method")} = Kms and {key("KmsKeyId")} to one of them.");
        }
    }

    /// <summary>Why the share policy refuses an upload with these settings, or <see langword="null"/>; the policy's last word, whatever validation said.</summary>
    public static string? UploadProblem(ServerSideEncryptionOptions sse)
    {
        if (sse.Required && sse.Method == ServerSideEncryptionMethod.None)
        {
            return "server-side encryption is required but the upload asks for none. Set ShareClientOptions.ServerSideEncryption.Method = Kms with .KmsKeyId = \"<key ARN>\" (CLI: --sse-kms-key ARN), or S3Managed (CLI: --sse-s3)";
        }

        return AllowedKeyProblem(sse) is { } problem ? problem + ". Use one of them" : null;
    }

    /// <summary>A copy, so settings read once cannot change under a client that is already built.</summary>
    public static ServerSideEncryptionOptions Copy(ServerSideEncryptionOptions source)
    {
        var copy = new ServerSideEncryptionOptions();
        CopyTo(source, copy);
        return copy;
    }

    /// <summary>Replaces every setting of <paramref name="target"/> with those of <paramref name="source"/>.</summary>
    public static void CopyTo(ServerSideEncryptionOptions source, ServerSideEncryptionOptions target)
    {
        target.Method = source.Method;
        target.KmsKeyId = source.KmsKeyId;
        target.Required = source.Required;
        target.AllowedKmsKeyIds.Clear();
        foreach (var allowed in source.AllowedKmsKeyIds)
        {
            target.AllowedKmsKeyIds.Add(allowed);
        }
    }

    private static string? AllowedKeyProblem(ServerSideEncryptionOptions sse)
    {
        if (sse.AllowedKmsKeyIds.Count == 0)
        {
            return null;
        }

        // Required with allowed keys means SSE-KMS with one of them: another method would be a quiet downgrade.
        if (sse.Method != ServerSideEncryptionMethod.Kms)
        {
            return sse.Required && sse.Method != ServerSideEncryptionMethod.None
                ? $"SSE-KMS with one of the allowed keys [{string.Join(", ", sse.AllowedKmsKeyIds)}] is required but the upload asks for {sse.Method}"
                : null;
        }

        return sse.AllowedKmsKeyIds.Contains(sse.KmsKeyId ?? string.Empty, StringComparer.Ordinal)
            ? null
            : $"SSE-KMS key '{sse.KmsKeyId ?? "(S3's AWS-managed key)"}' is not among the allowed keys [{string.Join(", ", sse.AllowedKmsKeyIds)}]";
    }
}
