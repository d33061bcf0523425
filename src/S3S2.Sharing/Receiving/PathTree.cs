namespace S3S2.Sharing.Receiving;

/// <summary>
/// The files and folders of one share as a tree, to find paths that collide (after case folding) or that put a file
/// where another path needs a folder. Each node is keyed by its parent's number and its own name, so adding a path costs
/// time linear in its length: no string is built for every prefix of a deep path.
/// </summary>
internal sealed class PathTree
{
    private readonly Dictionary<(int Parent, string Name), (int Id, bool IsFile)> _nodes = [];

    /// <summary>Adds a file's (case-folded) path; returns what it collides with, or <see langword="null"/>.</summary>
    public string? Add(string path)
    {
        var parent = 0;
        var rest = path.AsSpan();
        while (true)
        {
            var slash = rest.IndexOf('/');
            var name = (slash < 0 ? rest : rest[..slash]).ToString();
            var found = _nodes.TryGetValue((parent, name), out var node);
            if (slash < 0)
            {
                if (found)
                {
                    return "collides with another file or folder of the share when case is ignored";
                }

                _nodes.Add((parent, name), (_nodes.Count + 1, true));
                return null;
            }

            if (found && node.IsFile)
            {
                return "lies under a folder that is also a file of the share";
            }

            if (!found)
            {
                node = (_nodes.Count + 1, false);
                _nodes.Add((parent, name), node);
            }

            parent = node.Id;
            rest = rest[(slash + 1)..];
        }
    }
}
