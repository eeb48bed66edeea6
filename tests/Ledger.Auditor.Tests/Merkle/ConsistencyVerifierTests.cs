using Ledger.Auditor.Merkle;
using Ledger.Auditor.Tests.Infrastructure;

namespace Ledger.Auditor.Tests.Merkle;

public sealed class ConsistencyVerifierTests
{
    private static readonly ReferenceTree Tree = ReferenceTree.Random(40, seed: 40);

    [Fact]
    public void Every_reference_proof_between_two_sizes_verifies()
    {
        for (var second = 1; second <= Tree.Size; second++)
        {
            for (var first = 1; first <= second; first++)
            {
                var proof = Tree.ConsistencyProof(first, second);
                Assert.True(
                    ConsistencyVerifier.Verify((ulong)first, (ulong)second, Tree.Root(first), Tree.Root(second), proof, out var failure),
                    $"{first} -> {second}: {failure}");
            }
        }
    }

    [Fact]
    public void A_flipped_byte_a_wrong_root_or_a_wrong_size_fails()
    {
        var random = new Random(7);
        for (var second = 2; second <= Tree.Size; second++)
        {
            for (var first = 1; first < second; first++)
            {
                var proof = Tree.ConsistencyProof(first, second).Select(h => h.ToArray()).ToList();
                var firstRoot = Tree.Root(first);
                var secondRoot = Tree.Root(second);
                Assert.False(ConsistencyVerifier.Verify((ulong)first, (ulong)second, secondRoot, secondRoot, proof, out _));
                Assert.False(ConsistencyVerifier.Verify((ulong)first, (ulong)second, firstRoot, firstRoot, proof, out _));
                if (second < Tree.Size)
                {
                    Assert.False(ConsistencyVerifier.Verify((ulong)first, (ulong)second + 1, firstRoot, Tree.Root(second + 1), proof, out _));
                }

                proof[random.Next(proof.Count)][random.Next(32)] ^= 0x01;
                Assert.False(ConsistencyVerifier.Verify((ulong)first, (ulong)second, firstRoot, secondRoot, proof, out _), $"{first} -> {second}");
            }
        }
    }

    [Fact]
    public void Edge_cases_follow_the_rfc()
    {
        var root = Tree.Root(5);
        Assert.True(ConsistencyVerifier.Verify(5, 5, root, root, [], out _));
        Assert.False(ConsistencyVerifier.Verify(5, 5, root, Tree.Root(6), [], out _));
        Assert.True(ConsistencyVerifier.Verify(0, 5, Tree.Root(0), root, [], out _));
        Assert.False(ConsistencyVerifier.Verify(3, 5, Tree.Root(3), root, [], out var empty));
        Assert.Contains("cannot be empty", empty, StringComparison.Ordinal);
        Assert.False(ConsistencyVerifier.Verify(6, 5, Tree.Root(6), root, Tree.ConsistencyProof(5, 6), out var shrinking));
        Assert.Contains("larger than", shrinking, StringComparison.Ordinal);
    }
}
