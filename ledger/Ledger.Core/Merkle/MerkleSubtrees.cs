using System.Numerics;

namespace Ledger.Core.Merkle;

/// <summary>
/// Arithmetic on perfect subtrees, the unit in which the log's nodes are stored. RFC 9162 splits a tree of
/// n leaves at the largest power of two below n, so every subtree that its definitions name covers leaves
/// [start, start + count) with start a multiple of the smallest power of two at least count. Such a range
/// is the concatenation of one perfect subtree per set bit of count, largest first, and its hash is those
/// subtrees' hashes folded from the right.
/// </summary>
public static class MerkleSubtrees
{
    /// <summary>The deepest level a tree of up to 2^64 - 1 leaves can have.</summary>
    public const int LevelMax = 63;

    /// <summary>The largest power of two strictly below <paramref name="count"/> (which must be at least 2).</summary>
    public static ulong SplitPoint(ulong count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2UL);
        return 1UL << (63 - BitOperations.LeadingZeroCount(count - 1));
    }

    /// <summary>The perfect subtrees that make up leaves [start, start + count), left to right.</summary>
    public static IReadOnlyList<(int Level, ulong Index)> Decompose(ulong start, ulong count)
    {
        var keys = new List<(int Level, ulong Index)>(BitOperations.PopCount(count));
        var offset = start;
        for (var level = LevelMax; level >= 0; level--)
        {
            var width = 1UL << level;
            if ((count & width) == 0)
            {
                continue;
            }

            if (offset % width != 0)
            {
                throw new ArgumentException($"Leaves [{start}, {start + count}) are not a subtree of the log's tree.");
            }

            keys.Add((level, offset >> level));
            offset += width;
        }

        return keys;
    }

    /// <summary>The hash of a range from the hashes of its perfect subtrees, left to right: folded from the right.</summary>
    public static byte[] Fold(IReadOnlyList<byte[]> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        if (hashes.Count == 0)
        {
            throw new ArgumentException("A range holds at least one subtree.", nameof(hashes));
        }

        var hash = hashes[^1];
        for (var i = hashes.Count - 2; i >= 0; i--)
        {
            hash = MerkleHash.Node(hashes[i], hash);
        }

        return hash;
    }

    /// <summary>How many nodes of level 1 and above are complete in a tree of <paramref name="size"/> leaves.</summary>
    public static ulong CompleteNodes(ulong size)
    {
        ulong count = 0;
        for (var level = 1; level <= LevelMax; level++)
        {
            count += size >> level;
        }

        return count;
    }
}
