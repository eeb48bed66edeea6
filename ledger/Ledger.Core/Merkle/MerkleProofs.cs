namespace Ledger.Core.Merkle;

/// <summary>
/// RFC 9162 §2.1 over stored perfect subtrees: which nodes a tree head, an inclusion proof (§2.1.3.1
/// PATH) or a consistency proof (§2.1.4.1 PROOF and SUBPROOF) needs, and the verification algorithms of
/// §2.1.3.2 and §2.1.4.2, which use nothing but the proof (auditors and the API reuse them).
/// </summary>
public static class MerkleProofs
{
    /// <summary>The root of a tree of <paramref name="size"/> leaves (at least 1): one element, MTH(D[0:size]).</summary>
    public static MerkleProofPlan TreeHead(ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfZero(size);
        return new MerkleProofPlan([MerkleFrontier.Keys(size)]);
    }

    /// <summary>PATH(leafIndex, D[0:treeSize]): the audit path, deepest sibling first.</summary>
    public static MerkleProofPlan Inclusion(ulong leafIndex, ulong treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, treeSize);
        var elements = new List<IReadOnlyList<(int Level, ulong Index)>>();
        Path(leafIndex, 0, treeSize, elements);
        return new MerkleProofPlan(elements);
    }

    /// <summary>PROOF(size1, D[0:size2]) for 0 &lt; size1 &lt; size2; empty when the sizes are equal.</summary>
    public static MerkleProofPlan Consistency(ulong size1, ulong size2)
    {
        ArgumentOutOfRangeException.ThrowIfZero(size1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);
        var elements = new List<IReadOnlyList<(int Level, ulong Index)>>();
        if (size1 < size2)
        {
            SubProof(size1, 0, size2, complete: true, elements);
        }

        return new MerkleProofPlan(elements);
    }

    /// <summary>§2.1.3.2: whether <paramref name="path"/> proves leaf <paramref name="leafIndex"/> of a tree of <paramref name="treeSize"/> leaves has <paramref name="leafHash"/>.</summary>
    public static bool VerifyInclusion(ulong leafIndex, ulong treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (leafIndex >= treeSize || leafHash.Length != MerkleHash.Size || root.Length != MerkleHash.Size)
        {
            return false;
        }

        var fn = leafIndex;
        var sn = treeSize - 1;
        var r = leafHash.ToArray();
        foreach (var p in path)
        {
            if (sn == 0 || p is not { Length: MerkleHash.Size })
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHash.Node(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleHash.Node(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && root.SequenceEqual(r);
    }

    /// <summary>
    /// §2.1.4.2: whether <paramref name="proof"/> shows the tree of <paramref name="size2"/> leaves with root
    /// <paramref name="root2"/> extends the tree of <paramref name="size1"/> leaves with root
    /// <paramref name="root1"/>. Equal sizes are consistent with an empty proof exactly when the roots are
    /// equal; a first size of 0 is not a tree head this log proves anything from.
    /// </summary>
    public static bool VerifyConsistency(ulong size1, ulong size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (size1 == 0 || size1 > size2 || root1.Length != MerkleHash.Size || root2.Length != MerkleHash.Size)
        {
            return false;
        }

        if (size1 == size2)
        {
            return proof.Count == 0 && root1.SequenceEqual(root2);
        }

        if (proof.Count == 0)
        {
            return false;
        }

        var path = new List<byte[]>(proof.Count + 1);
        if ((size1 & (size1 - 1)) == 0)
        {
            path.Add(root1.ToArray());
        }

        path.AddRange(proof);
        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        if (path[0] is not { Length: MerkleHash.Size })
        {
            return false;
        }

        var fr = path[0];
        var sr = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0 || c is not { Length: MerkleHash.Size })
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHash.Node(c, fr);
                sr = MerkleHash.Node(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleHash.Node(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && root1.SequenceEqual(fr) && root2.SequenceEqual(sr);
    }

    /// <summary>PATH(m, D[start : start + count]), appended to <paramref name="elements"/>.</summary>
    private static void Path(ulong m, ulong start, ulong count, List<IReadOnlyList<(int Level, ulong Index)>> elements)
    {
        if (count == 1)
        {
            return;
        }

        var k = MerkleSubtrees.SplitPoint(count);
        if (m < k)
        {
            Path(m, start, k, elements);
            elements.Add(MerkleSubtrees.Decompose(start + k, count - k));
        }
        else
        {
            Path(m - k, start + k, count - k, elements);
            elements.Add(MerkleSubtrees.Decompose(start, k));
        }
    }

    /// <summary>SUBPROOF(m, D[start : start + count], complete), appended to <paramref name="elements"/>.</summary>
    private static void SubProof(ulong m, ulong start, ulong count, bool complete, List<IReadOnlyList<(int Level, ulong Index)>> elements)
    {
        if (m == count)
        {
            if (!complete)
            {
                elements.Add(MerkleSubtrees.Decompose(start, count));
            }

            return;
        }

        var k = MerkleSubtrees.SplitPoint(count);
        if (m <= k)
        {
            SubProof(m, start, k, complete, elements);
            elements.Add(MerkleSubtrees.Decompose(start + k, count - k));
        }
        else
        {
            SubProof(m - k, start + k, count - k, complete: false, elements);
            elements.Add(MerkleSubtrees.Decompose(start, k));
        }
    }
}
