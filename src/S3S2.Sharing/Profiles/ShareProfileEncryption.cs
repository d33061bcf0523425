namespace S3S2.Sharing.Profiles;

/// <summary>The encryption a profile prescribes.</summary>
public sealed class ShareProfileEncryption
{
    /// <summary>The OpenPGP mode.</summary>
    public const string OpenPgpMode = "openpgp";

    /// <summary>The KMS envelope mode.</summary>
    public const string KmsEnvelopeMode = "kms-envelope";

    /// <summary>Gets or sets the mode: <c>openpgp</c> or <c>kms-envelope</c>.</summary>
    public string Mode { get; set; } = OpenPgpMode;

    /// <summary>Gets or sets the receiver's OpenPGP public keys, each with its pinned fingerprint.</summary>
    public IList<ShareProfileKey> OpenPgpKeys { get; set; } = [];

    /// <summary>Gets or sets the KMS key ARNs of the envelope mode.</summary>
    public IList<string> KmsKeyIds { get; set; } = [];
}
