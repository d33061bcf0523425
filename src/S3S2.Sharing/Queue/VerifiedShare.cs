using S3S2.Sharing.Receiving;

namespace S3S2.Sharing.Queue;

/// <summary>A share every file of which is in place and verified against its manifest (size and SHA-256).</summary>
/// <param name="ShareId">The share id; the key to make handling idempotent.</param>
/// <param name="Sender">The sender the manifest names (as the partner configured it; not proof of identity).</param>
/// <param name="CreatedUtc">When the sender created the share, from the manifest.</param>
/// <param name="Bucket">The bucket the share was read from.</param>
/// <param name="ManifestKey">The object key of the share's manifest.</param>
/// <param name="Directory">The folder holding the files: <c>&lt;output&gt;/&lt;shareId&gt;</c>.</param>
/// <param name="Files">The files, with their relative paths ('/' separators), sizes and SHA-256.</param>
public sealed record VerifiedShare(
    string ShareId,
    string Sender,
    DateTimeOffset CreatedUtc,
    string Bucket,
    string ManifestKey,
    string Directory,
    IReadOnlyList<ReceivedFile> Files)
{
    /// <summary>Returns the full path of a file of the share on disk.</summary>
    /// <param name="file">One of <see cref="Files"/>.</param>
    /// <returns>The path under <see cref="Directory"/>.</returns>
    public string PathOf(ReceivedFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return System.IO.Path.Combine(Directory, file.Path.Replace('/', System.IO.Path.DirectorySeparatorChar));
    }
}
