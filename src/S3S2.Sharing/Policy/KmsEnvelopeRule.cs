using S3S2.Sharing.Encryption.Kms;

namespace S3S2.Sharing.Policy;

/// <summary>
/// Allows a body only when it opens with an AWS Encryption SDK message header of format version 2, algorithm suite
/// 0x0478 or 0x0578 (key commitment), framed content, whose encrypted data keys are all KMS keys (provider id
/// <c>aws-kms</c>) naming exactly the configured key ARNs: no key missing, none added.
/// </summary>
internal sealed class KmsEnvelopeRule : IBodyRule
{
    private readonly HashSet<string> _keyArns;

    public KmsEnvelopeRule(IEnumerable<string> configuredKeyArns)
    {
        _keyArns = configuredKeyArns.ToHashSet(StringComparer.Ordinal);
    }

    public string ObjectKeySuffix => Encryption.Kms.KmsEnvelopeEncryptor.ObjectKeySuffix;

    public IBodyValidator CreateValidator() => new EsdkFramingValidator();

    public string? Check(ReadOnlySpan<byte> head, bool isWholeBody)
    {
        var header = EsdkHeader.TryParse(head, out var problem);
        if (problem is not null)
        {
            return problem;
        }

        if (header is null)
        {
            return head.IsEmpty
                ? "the body is empty; a KMS envelope message opens with an AWS Encryption SDK header"
                : isWholeBody
                    ? "the body ends inside the AWS Encryption SDK header"
                    : $"the AWS Encryption SDK header is longer than the {head.Length} bytes the policy inspects";
        }

        if (header.EncryptedDataKeys.FirstOrDefault(k => k.ProviderId != EsdkFormat.KmsProviderId) is { } other)
        {
            return $"an encrypted data key has provider '{other.ProviderId}'; only KMS keys (provider 'aws-kms') are allowed";
        }

        var named = header.EncryptedDataKeys.Select(k => k.ProviderInfo).ToList();
        if (named.Count != _keyArns.Count || !_keyArns.SetEquals(named))
        {
            return $"the message's data key is encrypted under KMS keys [{Format(named)}] but the configured keys are [{Format(_keyArns)}]. "
                + "Configure exactly the key ARNs the receiver gave you";
        }

        return null;
    }

    private static string Format(IEnumerable<string> keys) => string.Join(", ", keys.Order(StringComparer.Ordinal));
}
