namespace Ledger.Auditor.Merkle;

/// <summary>
/// The tree's right edge, kept as the roots of its perfect subtrees (one per set bit of the size, largest
/// first), so leaves can be appended one by one and the root read at any size in O(log n) memory. Folding
/// those subtree roots right to left is RFC 9162's split at the largest power of two below n, applied at
/// every level.
/// </summary>
internal sealed class RootAccumulator
{
    /// <summary>Each entry is a perfect subtree: its root and its leaf count (a power of two), largest first.</summary>
    private readonly List<(byte[] Root, ulong Size)> _frontier = [];

    public ulong Size { get; private set; }

    public void AppendLeafHash(byte[] leafHash)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        var root = leafHash;
        ulong size = 1;
        while (_frontier.Count > 0 && _frontier[^1].Size == size)
        {
            root = TreeHashing.Node(_frontier[^1].Root, root);
            size *= 2;
            _frontier.RemoveAt(_frontier.Count - 1);
        }

        _frontier.Add((root, size));
        Size++;
    }

    /// <summary>The root of the tree of every leaf appended so far.</summary>
    public byte[] Root()
    {
        if (_frontier.Count == 0)
        {
            return TreeHashing.EmptyRoot();
        }

        var root = _frontier[^1].Root;
        for (var i = _frontier.Count - 2; i >= 0; i--)
        {
            root = TreeHashing.Node(_frontier[i].Root, root);
        }

        return root;
    }
}
