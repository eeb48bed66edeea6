using Ledger.Auditor.Merkle;
using Ledger.Auditor.Tests.Infrastructure;

namespace Ledger.Auditor.Tests.Merkle;

public sealed class InclusionVerifierTests
{
    public static TheoryData<int> Sizes => [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 64, 100];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Every_leaf_folds_to_the_reference_root(int size)
    {
        var tree = ReferenceTree.Random(size, seed: size);
        for (var index = 0; index < size; index++)
        {
            var root = InclusionVerifier.RootFromPath((ulong)index, (ulong)size, tree.LeafHash(index), tree.InclusionPath(index, size), out var failure);
            Assert.Null(failure);
            Assert.Equal(tree.Root(), root);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void A_flipped_path_byte_or_a_wrong_index_does_not_reach_the_root(int size)
    {
        var tree = ReferenceTree.Random(size, seed: 1000 + size);
        var random = new Random(size);
        for (var index = 0; index < size; index++)
        {
            var path = tree.InclusionPath(index, size).Select(h => h.ToArray()).ToList();
            if (path.Count > 0)
            {
                path[random.Next(path.Count)][random.Next(32)] ^= 0x40;
                Assert.NotEqual(tree.Root(), FoldOrNull((ulong)index, (ulong)size, tree.LeafHash(index), path));
            }

            var goodPath = tree.InclusionPath(index, size);
            var otherIndex = (index + 1) % size;
            if (otherIndex != index)
            {
                Assert.NotEqual(tree.Root(), FoldOrNull((ulong)otherIndex, (ulong)size, tree.LeafHash(index), goodPath));
            }
        }
    }

    [Fact]
    public void An_index_outside_the_tree_is_refused_with_the_reason()
    {
        var tree = ReferenceTree.Random(4, seed: 4);

        var root = InclusionVerifier.RootFromPath(4, 4, tree.LeafHash(0), tree.InclusionPath(0, 4), out var failure);

        Assert.Null(root);
        Assert.Contains("outside a tree of 4 leaves", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_too_long_or_too_short_is_refused()
    {
        var tree = ReferenceTree.Random(8, seed: 8);
        var path = tree.InclusionPath(3, 8);

        Assert.Null(InclusionVerifier.RootFromPath(3, 8, tree.LeafHash(3), [.. path, path[0]], out var tooLong));
        Assert.Null(InclusionVerifier.RootFromPath(3, 8, tree.LeafHash(3), path.Take(2).ToList(), out var tooShort));
        Assert.Contains("more than", tooLong, StringComparison.Ordinal);
        Assert.Contains("fewer than", tooShort, StringComparison.Ordinal);
    }

    private static byte[]? FoldOrNull(ulong index, ulong size, byte[] leaf, IReadOnlyList<byte[]> path) =>
        InclusionVerifier.RootFromPath(index, size, leaf, path, out _);
}
