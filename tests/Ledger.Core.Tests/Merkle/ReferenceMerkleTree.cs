using Ledger.Core.Merkle;

namespace Ledger.Core.Tests.Merkle;

/// <summary>
/// RFC 9162 §2.1 written as its definitions read, recursively over the list of leaf hashes: MTH (§2.1.1),
/// PATH (§2.1.3.1) and PROOF/SUBPROOF (§2.1.4.1). Independent of the stored-subtree arithmetic under
/// test; only the node hash is shared (and tested on its own). MTH of a range is memoised so that
/// checking every proof of a few thousand leaves stays fast.
/// </summary>
public sealed class ReferenceMerkleTree
{
    private readonly IReadOnlyList<byte[]> leaves;
    private readonly Dictionary<(int Start, int Count), byte[]> memo = [];

    public ReferenceMerkleTree(IReadOnlyList<byte[]> leafHashes) => leaves = leafHashes;

    public int Size => leaves.Count;

    public byte[] Leaf(int index) => leaves[index];

    /// <summary>MTH(D[0:n]).</summary>
    public byte[] Root(int n) => n == 0 ? MerkleHash.Keccak256([]) : Mth(0, n);

    /// <summary>PATH(m, D[0:n]).</summary>
    public List<byte[]> Path(int m, int n) => Path(m, 0, n);

    /// <summary>PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true).</summary>
    public List<byte[]> Proof(int m, int n) => SubProof(m, 0, n, true);

    /// <summary>MTH(D[start : start + count]).</summary>
    public byte[] Mth(int start, int count)
    {
        if (count == 1)
        {
            return leaves[start];
        }

        if (memo.TryGetValue((start, count), out var hash))
        {
            return hash;
        }

        var k = LargestPowerOfTwoBelow(count);
        hash = MerkleHash.Node(Mth(start, k), Mth(start + k, count - k));
        memo[(start, count)] = hash;
        return hash;
    }

    private List<byte[]> Path(int m, int start, int n)
    {
        if (n == 1)
        {
            return [];
        }

        var k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            var path = Path(m, start, k);
            path.Add(Mth(start + k, n - k));
            return path;
        }
        else
        {
            var path = Path(m - k, start + k, n - k);
            path.Add(Mth(start, k));
            return path;
        }
    }

    private List<byte[]> SubProof(int m, int start, int n, bool b)
    {
        if (m == n)
        {
            return b ? [] : [Mth(start, n)];
        }

        var k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            var proof = SubProof(m, start, k, b);
            proof.Add(Mth(start + k, n - k));
            return proof;
        }
        else
        {
            var proof = SubProof(m - k, start + k, n - k, false);
            proof.Add(Mth(start, k));
            return proof;
        }
    }

    /// <summary>The largest power of two smaller than n (n &gt; 1), by doubling: no bit tricks shared with the code under test.</summary>
    private static int LargestPowerOfTwoBelow(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }
}
