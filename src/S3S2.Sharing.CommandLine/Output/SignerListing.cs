namespace S3S2.Sharing.CommandLine.Output;

/// <summary>How <c>list</c> judged a share's signer, as receive would.</summary>
internal enum SignerStatus
{
    /// <summary>Signed by a key the receiver accepts for the share's prefix.</summary>
    Signed,

    /// <summary>Not signed, and unsigned shares are accepted.</summary>
    Unsigned,

    /// <summary>Receive would refuse the share for its signer (exit 3).</summary>
    Refused,

    /// <summary>The manifest could not be read or checked with the given keys.</summary>
    Unreadable,
}

/// <summary>A share's signer: the status, the fingerprint when signed, and the reason when refused or unreadable.</summary>
internal sealed record ShareSigner(SignerStatus Status, string? Fingerprint, string? Problem)
{
    /// <summary>The text form of <c>list</c>: <c>signed by FPR</c>, <c>unsigned</c>, <c>REFUSED (signer)</c> or <c>unreadable</c>.</summary>
    public override string ToString() => Status switch
    {
        SignerStatus.Signed => $"signed by {Fingerprint}",
        SignerStatus.Unsigned => "unsigned",
        SignerStatus.Refused => "REFUSED (signer)",
        _ => "unreadable",
    };
}

/// <summary>A complete share in <c>list --json</c> with the receiver's keys.</summary>
internal sealed record ListedShare(string ShareId, string ManifestKey, ShareSigner Signer);

/// <summary><c>list --json</c> with the receiver's keys: <see cref="S3S2.Sharing.Receiving.ShareListing"/> plus each complete share's signer.</summary>
internal sealed record SignerListing(IReadOnlyList<ListedShare> Complete, IReadOnlyList<string> Incomplete);
