using Ledger.Core.Storage;

namespace Ledger.Core.Merkle;

/// <summary>
/// Tree heads and proofs for any size of the committed log, from stored subtree hashes: each answer reads
/// the O(log n) nodes its <see cref="MerkleProofPlan"/> names in one store request, and never rebuilds a
/// subtree.
/// </summary>
public sealed class MerkleLog
{
    private readonly IMerkleLogStore store;

    public MerkleLog(IMerkleLogStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        this.store = store;
    }

    /// <summary>The root of the tree of the first <paramref name="size"/> transfers (the empty root for 0).</summary>
    public async ValueTask<byte[]> GetTreeHeadAsync(ulong size, CancellationToken cancellationToken)
    {
        if (size == 0)
        {
            return MerkleHash.EmptyRoot;
        }

        var plan = MerkleProofs.TreeHead(size);
        var nodes = await ReadAsync(plan.Keys, size, cancellationToken);
        return plan.Assemble(nodes)[0];
    }

    /// <summary>The leaf hash of transfer <paramref name="leafIndex"/> and its audit path in the tree of <paramref name="size"/> leaves.</summary>
    public async ValueTask<(byte[] LeafHash, IReadOnlyList<byte[]> Path)> GetInclusionProofAsync(ulong leafIndex, ulong size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, size);
        var plan = MerkleProofs.Inclusion(leafIndex, size);
        var leaf = (0, leafIndex);
        var nodes = await ReadAsync(new HashSet<(int Level, ulong Index)>(plan.Keys) { leaf }, size, cancellationToken);
        return (nodes[leaf], plan.Assemble(nodes));
    }

    /// <summary>The consistency proof from the tree of <paramref name="from"/> leaves to that of <paramref name="to"/> (0 &lt; from ≤ to).</summary>
    public async ValueTask<IReadOnlyList<byte[]>> GetConsistencyProofAsync(ulong from, ulong to, CancellationToken cancellationToken)
    {
        var plan = MerkleProofs.Consistency(from, to);

        // The last leaf's subtree is read as well: an empty proof (from = to) still says whether the size exists.
        var last = (0, to - 1);
        var nodes = await ReadAsync(new HashSet<(int Level, ulong Index)>(plan.Keys) { last }, to, cancellationToken);
        return plan.Assemble(nodes);
    }

    /// <summary>
    /// Reads the nodes in one request. Every plan for a size includes a subtree that ends at the size's last
    /// leaf, so a missing node means the size is beyond the committed log; only then is the head read, to
    /// tell that apart from a store that lost nodes it should have.
    /// </summary>
    private async ValueTask<IReadOnlyDictionary<(int Level, ulong Index), byte[]>> ReadAsync(IReadOnlyCollection<(int Level, ulong Index)> keys, ulong size, CancellationToken cancellationToken)
    {
        var nodes = await store.GetMerkleNodesAsync(keys, cancellationToken);
        if (nodes.Count == keys.Count)
        {
            return nodes;
        }

        var head = await store.GetHeadAsync(cancellationToken);
        if (size > head.LogSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"The committed log holds {head.LogSize} transfers.");
        }

        throw new InvalidOperationException($"The store lacks Merkle nodes of the tree of {size} leaves, which the committed log of {head.LogSize} covers.");
    }
}
