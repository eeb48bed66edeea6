namespace Ledger.Auditor.Merkle;

/// <summary>RFC 9162 §2.1.4.2: does a consistency proof show that the second tree head extends the first?</summary>
internal static class ConsistencyVerifier
{
    /// <summary>
    /// True when <paramref name="proof"/> proves that the tree of <paramref name="secondSize"/> leaves with
    /// <paramref name="secondRoot"/> holds the tree of <paramref name="firstSize"/> leaves with
    /// <paramref name="firstRoot"/> as its prefix; otherwise false and the reason. Equal sizes need an empty
    /// proof and equal roots; the empty tree is a prefix of every tree.
    /// </summary>
    public static bool Verify(ulong firstSize, ulong secondSize, byte[] firstRoot, byte[] secondRoot, IReadOnlyList<byte[]> proof, out string? failure)
    {
        ArgumentNullException.ThrowIfNull(firstRoot);
        ArgumentNullException.ThrowIfNull(secondRoot);
        ArgumentNullException.ThrowIfNull(proof);
        if (firstSize > secondSize)
        {
            failure = $"the first tree ({firstSize} leaves) is larger than the second ({secondSize})";
            return false;
        }

        if (firstSize == secondSize)
        {
            return Settle(proof.Count == 0 && firstRoot.AsSpan().SequenceEqual(secondRoot), "equal sizes need an empty proof and equal roots", out failure);
        }

        if (firstSize == 0)
        {
            return Settle(proof.Count == 0, "a proof from the empty tree must be empty", out failure);
        }

        if (proof.Count == 0)
        {
            failure = $"a proof from {firstSize} to {secondSize} leaves cannot be empty";
            return false;
        }

        var path = new List<byte[]>(proof.Count + 1);
        if (IsPowerOfTwo(firstSize))
        {
            path.Add(firstRoot);
        }

        path.AddRange(proof);
        var fn = firstSize - 1;
        var sn = secondSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                failure = $"the proof has {proof.Count} hashes, more than {firstSize} to {secondSize} leaves needs";
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = TreeHashing.Node(c, fr);
                sr = TreeHashing.Node(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = TreeHashing.Node(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            failure = $"the proof has {proof.Count} hashes, fewer than {firstSize} to {secondSize} leaves needs";
            return false;
        }

        if (!fr.AsSpan().SequenceEqual(firstRoot))
        {
            failure = $"the proof rebuilds a different root for the first tree ({firstSize} leaves)";
            return false;
        }

        return Settle(sr.AsSpan().SequenceEqual(secondRoot), $"the proof rebuilds a different root for the second tree ({secondSize} leaves)", out failure);
    }

    private static bool IsPowerOfTwo(ulong value) => (value & (value - 1)) == 0;

    private static bool Settle(bool holds, string reason, out string? failure)
    {
        failure = holds ? null : reason;
        return holds;
    }
}
