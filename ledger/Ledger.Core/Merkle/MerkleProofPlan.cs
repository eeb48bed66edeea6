namespace Ledger.Core.Merkle;

/// <summary>
/// What a tree head or proof is made of: each element is the hash of one subtree of RFC 9162's
/// definitions, given as the perfect subtrees it is made of (folded from the right). <see cref="Keys"/> is
/// every stored node the whole answer needs, at most 64 per element and in practice O(log n) in all, so
/// a store reads them in one request.
/// </summary>
public sealed class MerkleProofPlan
{
    internal MerkleProofPlan(IReadOnlyList<IReadOnlyList<(int Level, ulong Index)>> elements)
    {
        Elements = elements;
        var keys = new HashSet<(int Level, ulong Index)>();
        foreach (var element in elements)
        {
            keys.UnionWith(element);
        }

        Keys = keys;
    }

    public IReadOnlyList<IReadOnlyList<(int Level, ulong Index)>> Elements { get; }

    public IReadOnlyCollection<(int Level, ulong Index)> Keys { get; }

    /// <summary>The elements' hashes from the stored nodes; every key must be present.</summary>
    public IReadOnlyList<byte[]> Assemble(IReadOnlyDictionary<(int Level, ulong Index), byte[]> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var hashes = new byte[Elements.Count][];
        for (var i = 0; i < Elements.Count; i++)
        {
            var parts = new byte[Elements[i].Count][];
            for (var j = 0; j < parts.Length; j++)
            {
                parts[j] = nodes.TryGetValue(Elements[i][j], out var hash)
                    ? hash
                    : throw new KeyNotFoundException($"Merkle node {Elements[i][j]} is missing.");
            }

            hashes[i] = MerkleSubtrees.Fold(parts);
        }

        return hashes;
    }
}
