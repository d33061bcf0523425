namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>One request as a resource policy sees it: who, which action, on which resource, with which condition keys.</summary>
internal sealed class AccessRequest
{
    /// <summary>Gets the caller's principal ARN; <see langword="null"/> for an anonymous request.</summary>
    public string? PrincipalArn { get; init; }

    /// <summary>Gets the action, for example <c>s3:PutObject</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Gets the resource ARN, for example <c>arn:aws:s3:::bucket/key</c>.</summary>
    public required string Resource { get; init; }

    /// <summary>Gets the condition keys the request carries (names compare case-insensitively, as in IAM).</summary>
    public IReadOnlyDictionary<string, string> Context { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
