using Ledger.Auditor.Merkle;
using Ledger.Auditor.Tests.Infrastructure;
using Ledger.Chain.Crypto;

namespace Ledger.Auditor.Tests.Merkle;

public sealed class RootAccumulatorTests
{
    [Fact]
    public void The_root_at_every_size_up_to_300_equals_the_reference_root()
    {
        var tree = ReferenceTree.Random(300, seed: 300);
        var accumulator = new RootAccumulator();
        Assert.Equal(Keccak256.Hash([]), accumulator.Root());
        for (var size = 1; size <= tree.Size; size++)
        {
            accumulator.AppendLeafHash(tree.LeafHash(size - 1));
            Assert.Equal((ulong)size, accumulator.Size);
            Assert.Equal(tree.Root(size), accumulator.Root());
        }
    }

    [Theory]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(2047)]
    public void Large_trees_around_powers_of_two_match(int size)
    {
        var tree = ReferenceTree.Random(size, seed: size);
        var accumulator = new RootAccumulator();
        for (var i = 0; i < size; i++)
        {
            accumulator.AppendLeafHash(tree.LeafHash(i));
        }

        Assert.Equal(tree.Root(), accumulator.Root());
    }

    [Fact]
    public void Reading_the_root_does_not_change_the_tree()
    {
        var tree = ReferenceTree.Random(13, seed: 13);
        var accumulator = new RootAccumulator();
        for (var i = 0; i < 13; i++)
        {
            accumulator.AppendLeafHash(tree.LeafHash(i));
            _ = accumulator.Root();
            _ = accumulator.Root();
        }

        Assert.Equal(tree.Root(), accumulator.Root());
    }
}
