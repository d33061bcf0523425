namespace S3S2.Sharing.Audit;

/// <summary>What the bucket policy decides for one cell of the access matrix.</summary>
public enum AccessOutcome
{
    /// <summary>The question does not apply to this subject (for example "own prefix" for an anonymous caller).</summary>
    NotApplicable,

    /// <summary>No statement allows it (denied unless the caller's own account grants it and the bucket and caller share an account).</summary>
    Denied,

    /// <summary>A Deny statement refuses it; nothing else can allow it.</summary>
    ExplicitlyDenied,

    /// <summary>A statement allows it.</summary>
    Allowed,
}
