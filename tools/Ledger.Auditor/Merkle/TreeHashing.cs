using Ledger.Chain.Crypto;

namespace Ledger.Auditor.Merkle;

/// <summary>
/// The hashes of PROOFS.md "The tree": Keccak-256 in the RFC 9162 §2.1.1 shape, with the 0x00 leaf and
/// 0x01 node prefixes that keep a leaf from passing for an inner node.
/// </summary>
internal static class TreeHashing
{
    public const int HashSize = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>keccak256("") — the root of the empty tree.</summary>
    public static byte[] EmptyRoot() => Keccak256.Hash([]);

    /// <summary>keccak256(0x00 || data).</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> data)
    {
        var input = new byte[1 + data.Length];
        input[0] = LeafPrefix;
        data.CopyTo(input.AsSpan(1));
        return Keccak256.Hash(input);
    }

    /// <summary>keccak256(0x01 || left || right).</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != HashSize || right.Length != HashSize)
        {
            throw new ArgumentException($"Tree nodes join two {HashSize}-byte hashes, not {left.Length} and {right.Length} bytes.");
        }

        Span<byte> input = stackalloc byte[1 + (2 * HashSize)];
        input[0] = NodePrefix;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashSize)..]);
        return Keccak256.Hash(input);
    }
}
