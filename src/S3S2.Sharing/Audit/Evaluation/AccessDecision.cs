namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>What a resource policy decides for one request, in IAM's order: an explicit deny wins over any allow.</summary>
internal enum AccessDecision
{
    /// <summary>No statement allows the request (and none denies it).</summary>
    ImplicitDeny,

    /// <summary>A statement allows the request and none denies it.</summary>
    Allow,

    /// <summary>A statement denies the request.</summary>
    ExplicitDeny,
}
