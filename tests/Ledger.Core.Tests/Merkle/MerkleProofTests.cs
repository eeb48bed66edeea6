using Ledger.Core.Merkle;
using Ledger.Core.StateMachine;
using Ledger.Core.Storage;

namespace Ledger.Core.Tests.Merkle;

/// <summary>
/// The stored-subtree tree (<see cref="MerkleFrontier"/>, <see cref="MerkleProofs"/>) against the RFC 9162
/// definitions (<see cref="ReferenceMerkleTree"/>): every size to 300 exhaustively, random sizes to 3,000
/// sampled; every proof must equal the reference, verify, and fail once anything about it is wrong.
/// </summary>
public sealed class MerkleProofTests
{
    [Fact]
    public void Every_size_to_300_matches_the_rfc_definitions()
    {
        var random = new Random(9162);
        var (reference, nodes) = Build(300, random);
        for (var n = 1; n <= 300; n++)
        {
            Assert.Equal(reference.Root(n), MerkleProofs.TreeHead((ulong)n).Assemble(nodes)[0]);
            for (var m = 0; m < n; m++)
            {
                CheckInclusion(reference, nodes, m, n, random);
            }

            for (var m = 1; m <= n; m++)
            {
                CheckConsistency(reference, nodes, m, n, random);
            }
        }
    }

    [Fact]
    public void Random_sizes_to_3000_match_the_rfc_definitions()
    {
        var random = new Random(6962);
        var (reference, nodes) = Build(3000, random);
        int[] sizes = [512, 1024, 1025, 2048, 2999, 3000, .. Enumerable.Range(0, 10).Select(_ => random.Next(301, 3001))];
        foreach (var n in sizes)
        {
            Assert.Equal(reference.Root(n), MerkleProofs.TreeHead((ulong)n).Assemble(nodes)[0]);
            int[] indexes = [0, n - 1, n / 2, .. Enumerable.Range(0, 30).Select(_ => random.Next(n))];
            foreach (var m in indexes)
            {
                CheckInclusion(reference, nodes, m, n, random);
                CheckConsistency(reference, nodes, m + 1, n, random);
            }
        }
    }

    [Fact]
    public void Extend_refuses_an_edge_that_is_not_the_trees()
    {
        var (reference, _) = Build(7, new Random(1));
        var edge = MerkleFrontier.Extend(0, [], [.. Enumerable.Range(0, 7).Select(reference.Leaf)]).Frontier;
        Assert.Equal(reference.Root(7), MerkleFrontier.Root(edge));
        var leaf = reference.Leaf(0);

        Assert.Throws<ArgumentException>(() => MerkleFrontier.Extend(6, edge, [leaf]));
        Assert.Throws<ArgumentException>(() => MerkleFrontier.Extend(7, edge.Take(2).ToList(), [leaf]));
        Assert.Throws<ArgumentException>(() => MerkleFrontier.Extend(7, [edge[0], edge[2], edge[1]], [leaf]));
        Assert.Throws<ArgumentException>(() => MerkleFrontier.Extend(7, [edge[0], edge[1], edge[2] with { Hash = new byte[31] }], [leaf]));
        Assert.Throws<ArgumentException>(() => MerkleFrontier.Extend(7, edge, [new byte[31]]));
    }

    [Fact]
    public void Empty_tree_has_the_empty_root_and_no_proofs()
    {
        Assert.Equal(MerkleHash.EmptyRoot, MerkleFrontier.Root([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.TreeHead(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.Inclusion(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.Inclusion(5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.Consistency(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.Consistency(6, 5));
    }

    [Fact]
    public void Batch_invariant_refuses_an_extension_that_does_not_match_the_log()
    {
        var (reference, _) = Build(10, new Random(2));
        var leaves = Enumerable.Range(0, 10).Select(reference.Leaf).ToList();
        var first = MerkleFrontier.Extend(0, [], leaves[..4]);
        var extension = MerkleFrontier.Extend(4, first.Frontier, leaves[4..]);
        var batch = new CommitBatch
        {
            PreviousHead = new LedgerHead(1, 4),
            NewHead = new LedgerHead(2, 10),
            AccountsCreated = [],
            AccountsUpdated = [],
            TransfersCreated = [],
            PendingCreated = [],
            PendingUpdated = [],
            BalancesRecorded = [],
        };

        BatchInvariants.AssertLogExtension(batch, extension);
        Assert.Throws<LedgerInvariantException>(() => BatchInvariants.AssertLogExtension(batch, MerkleFrontier.Extend(4, first.Frontier, leaves[4..9])));
        Assert.Throws<LedgerInvariantException>(() => BatchInvariants.AssertLogExtension(batch, extension with { NewNodes = extension.NewNodes.Skip(1).ToList() }));
        Assert.Throws<LedgerInvariantException>(() => BatchInvariants.AssertLogExtension(batch, extension with { Frontier = extension.Frontier.Take(1).ToList() }));
        Assert.Throws<LedgerInvariantException>(() => BatchInvariants.AssertLogExtension(batch, extension with { NewNodes = [.. extension.NewNodes.Skip(1), first.NewNodes[0]] }));
    }

    /// <summary>
    /// A tree of <paramref name="size"/> random leaves, appended in random chunks through
    /// <see cref="MerkleFrontier.Extend"/>; each chunk must complete exactly the due nodes and leave the
    /// reference root. Returns the reference and every node (leaves included) as a store would serve them.
    /// </summary>
    internal static (ReferenceMerkleTree Reference, Dictionary<(int Level, ulong Index), byte[]> Nodes) Build(int size, Random random)
    {
        var leaves = new byte[size][];
        var record = new byte[128];
        for (var i = 0; i < size; i++)
        {
            random.NextBytes(record);
            leaves[i] = MerkleHash.Leaf(record);
        }

        var reference = new ReferenceMerkleTree(leaves);
        var nodes = new Dictionary<(int Level, ulong Index), byte[]>();
        for (var i = 0; i < size; i++)
        {
            nodes[(0, (ulong)i)] = leaves[i];
        }

        IReadOnlyList<MerkleNode> edge = [];
        var built = 0;
        while (built < size)
        {
            var count = random.Next(1, Math.Min(size - built, 700) + 1);
            var extension = MerkleFrontier.Extend((ulong)built, edge, leaves[built..(built + count)]);
            Assert.Equal((ulong)extension.NewNodes.Count, MerkleSubtrees.CompleteNodes((ulong)(built + count)) - MerkleSubtrees.CompleteNodes((ulong)built));
            foreach (var node in extension.NewNodes)
            {
                Assert.True(node.Level >= 1);
                Assert.Equal(reference.Mth(checked((int)(node.Index << node.Level)), 1 << node.Level), node.Hash);
                Assert.True(nodes.TryAdd((node.Level, node.Index), node.Hash), $"node {node.Level},{node.Index} completed twice");
            }

            built += count;
            edge = extension.Frontier;
            Assert.Equal(reference.Root(built), MerkleFrontier.Root(edge));
        }

        return (reference, nodes);
    }

    private static void CheckInclusion(ReferenceMerkleTree reference, Dictionary<(int Level, ulong Index), byte[]> nodes, int m, int n, Random random)
    {
        var plan = MerkleProofs.Inclusion((ulong)m, (ulong)n);
        var path = plan.Assemble(nodes);
        Assert.Equal(reference.Path(m, n), path);
        var leaf = reference.Leaf(m);
        var root = reference.Root(n);
        Assert.True(MerkleProofs.VerifyInclusion((ulong)m, (ulong)n, leaf, path, root), $"inclusion {m} in {n}");

        foreach (var wrong in new[] { m - 1, m + 1, m ^ 1, n - 1 - m, 0, n }.Where(i => i != m && i >= 0))
        {
            Assert.False(MerkleProofs.VerifyInclusion((ulong)wrong, (ulong)n, leaf, path, root), $"inclusion {m} in {n} as index {wrong}");
        }

        foreach (var size in new[] { n - 1, n + 1, 2 * n }.Where(s => s > m && s != n && s <= reference.Size))
        {
            Assert.False(MerkleProofs.VerifyInclusion((ulong)m, (ulong)size, leaf, path, reference.Root(size)), $"inclusion {m} in {n} as size {size}");
        }

        Assert.False(MerkleProofs.VerifyInclusion((ulong)m, (ulong)n, Changed(leaf), path, root));
        Assert.False(MerkleProofs.VerifyInclusion((ulong)m, (ulong)n, leaf, path, Changed(root)));
        foreach (var variant in Variants(path, random))
        {
            Assert.False(MerkleProofs.VerifyInclusion((ulong)m, (ulong)n, leaf, variant, root), $"inclusion {m} in {n}, altered path");
        }
    }

    private static void CheckConsistency(ReferenceMerkleTree reference, Dictionary<(int Level, ulong Index), byte[]> nodes, int m, int n, Random random)
    {
        var proof = MerkleProofs.Consistency((ulong)m, (ulong)n).Assemble(nodes);
        Assert.Equal(m == n ? [] : reference.Proof(m, n), proof);
        var first = reference.Root(m);
        var second = reference.Root(n);
        Assert.True(MerkleProofs.VerifyConsistency((ulong)m, (ulong)n, first, second, proof), $"consistency {m} to {n}");

        foreach (var size in new[] { m - 1, m + 1 }.Where(s => s >= 1 && s <= n && s != m))
        {
            Assert.False(MerkleProofs.VerifyConsistency((ulong)size, (ulong)n, reference.Root(size), second, proof), $"consistency {m} to {n} as from {size}");
        }

        foreach (var size in new[] { n - 1, n + 1 }.Where(s => s >= m && s <= reference.Size && s != n))
        {
            Assert.False(MerkleProofs.VerifyConsistency((ulong)m, (ulong)size, first, reference.Root(size), proof), $"consistency {m} to {n} as to {size}");
        }

        Assert.False(MerkleProofs.VerifyConsistency((ulong)m, (ulong)n, Changed(first), second, proof));
        Assert.False(MerkleProofs.VerifyConsistency((ulong)m, (ulong)n, first, Changed(second), proof));
        foreach (var variant in Variants(proof, random))
        {
            Assert.False(MerkleProofs.VerifyConsistency((ulong)m, (ulong)n, first, second, variant), $"consistency {m} to {n}, altered proof");
        }
    }

    /// <summary>The proof with one hash changed (each in turn), truncated at either end, and extended at either end.</summary>
    private static IEnumerable<IReadOnlyList<byte[]>> Variants(IReadOnlyList<byte[]> proof, Random random)
    {
        for (var i = 0; i < proof.Count; i++)
        {
            var changed = proof.ToArray();
            changed[i] = Changed(proof[i]);
            yield return changed;
        }

        if (proof.Count > 0)
        {
            yield return proof.Take(proof.Count - 1).ToArray();
            yield return proof.Skip(1).ToArray();
        }

        var extra = new byte[MerkleHash.Size];
        random.NextBytes(extra);
        yield return [.. proof, extra];
        yield return [extra, .. proof];
    }

    private static byte[] Changed(byte[] hash)
    {
        var copy = hash.ToArray();
        copy[copy.Length / 2] ^= 0x01;
        return copy;
    }
}
