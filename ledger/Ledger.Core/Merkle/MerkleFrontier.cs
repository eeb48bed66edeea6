namespace Ledger.Core.Merkle;

/// <summary>
/// Appending to the tree. The right edge of a tree of n leaves is at most 64 perfect subtrees (one per set
/// bit of n); with those and the new leaves' hashes, every node the new leaves complete follows, and no
/// other node is read. Pure: the caller loads the edge and writes the result.
/// </summary>
public static class MerkleFrontier
{
    /// <summary>The perfect subtrees that make up a tree of <paramref name="size"/> leaves, largest first.</summary>
    public static IReadOnlyList<(int Level, ulong Index)> Keys(ulong size) => MerkleSubtrees.Decompose(0, size);

    /// <summary>The root of the tree whose right edge is <paramref name="frontier"/> (largest subtree first).</summary>
    public static byte[] Root(IReadOnlyList<MerkleNode> frontier)
    {
        ArgumentNullException.ThrowIfNull(frontier);
        return frontier.Count == 0 ? MerkleHash.EmptyRoot : MerkleSubtrees.Fold([.. frontier.Select(n => n.Hash)]);
    }

    /// <summary>
    /// Appends <paramref name="leafHashes"/> to the tree of <paramref name="size"/> leaves whose right edge
    /// is <paramref name="frontier"/>. Returns every node of level 1 and above that the new leaves complete
    /// (each once, children before parents) and the new right edge.
    /// </summary>
    public static MerkleExtension Extend(ulong size, IReadOnlyList<MerkleNode> frontier, IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(frontier);
        ArgumentNullException.ThrowIfNull(leafHashes);
        CheckEdge(size, frontier);
        var newSize = checked(size + (ulong)leafHashes.Count);

        // The edge as a stack: a new leaf is pushed, and while the two topmost subtrees are the same
        // size they are two halves of a completed node and merge into it.
        var edge = new List<MerkleNode>(frontier);
        var created = new List<MerkleNode>(leafHashes.Count);
        var index = size;
        foreach (var leaf in leafHashes)
        {
            if (leaf is not { Length: MerkleHash.Size })
            {
                throw new ArgumentException($"A leaf hash is {MerkleHash.Size} bytes.", nameof(leafHashes));
            }

            var top = new MerkleNode(0, index++, leaf);
            while (edge.Count > 0 && edge[^1].Level == top.Level)
            {
                var left = edge[^1];
                edge.RemoveAt(edge.Count - 1);
                top = new MerkleNode(top.Level + 1, top.Index >> 1, MerkleHash.Node(left.Hash, top.Hash));
                created.Add(top);
            }

            edge.Add(top);
        }

        return new MerkleExtension(newSize, created, edge);
    }

    private static void CheckEdge(ulong size, IReadOnlyList<MerkleNode> frontier)
    {
        var keys = Keys(size);
        if (keys.Count != frontier.Count)
        {
            throw new ArgumentException($"The right edge of a tree of {size} leaves is {keys.Count} subtrees, not {frontier.Count}.", nameof(frontier));
        }

        for (var i = 0; i < keys.Count; i++)
        {
            if ((frontier[i].Level, frontier[i].Index) != keys[i] || frontier[i].Hash is not { Length: MerkleHash.Size })
            {
                throw new ArgumentException($"Subtree {i} of the right edge of a tree of {size} leaves must be {keys[i]} with a {MerkleHash.Size}-byte hash.", nameof(frontier));
            }
        }
    }
}

/// <summary>The result of <see cref="MerkleFrontier.Extend"/>: the new size, the nodes completed, and the new right edge.</summary>
public sealed record MerkleExtension(ulong Size, IReadOnlyList<MerkleNode> NewNodes, IReadOnlyList<MerkleNode> Frontier);
