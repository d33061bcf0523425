namespace S3S2.Sharing.Receiving;

/// <summary>The shares under the prefix.</summary>
/// <param name="Complete">Shares whose manifest exists, oldest first.</param>
/// <param name="Incomplete">Ids of share folders without a manifest (still being written, or abandoned), oldest first; they are never received.</param>
public sealed record ShareListing(IReadOnlyList<AvailableShare> Complete, IReadOnlyList<string> Incomplete);
