using Org.BouncyCastle.Crypto.Digests;

namespace Ledger.Core.Merkle;

/// <summary>
/// The hashes of the log's Merkle tree (PROOFS.md "The tree"): Ethereum's Keccak-256 (the original padding,
/// not FIPS SHA3-256) in the RFC 9162 §2.1.1 shape, with a one-byte prefix that keeps a leaf hash from ever
/// equalling a node hash.
/// </summary>
public static class MerkleHash
{
    /// <summary>The length of every hash, in bytes.</summary>
    public const int Size = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>One digest and one input buffer per thread: the commit path hashes thousands of leaves per batch.</summary>
    [ThreadStatic]
    private static KeccakDigest? digest;

    [ThreadStatic]
    private static byte[]? input;

    /// <summary>The root of the empty tree: <c>keccak256("")</c>.</summary>
    public static byte[] EmptyRoot => Keccak256([]);

    /// <summary><c>keccak256(0x00 || record)</c>.</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> record)
    {
        var buffer = Input(1 + record.Length);
        buffer[0] = LeafPrefix;
        record.CopyTo(buffer.AsSpan(1));
        return Digest(buffer, 1 + record.Length);
    }

    /// <summary><c>keccak256(0x01 || left || right)</c>.</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != Size || right.Length != Size)
        {
            throw new ArgumentException($"A node's children are {Size}-byte hashes.");
        }

        var buffer = Input(1 + (2 * Size));
        buffer[0] = NodePrefix;
        left.CopyTo(buffer.AsSpan(1));
        right.CopyTo(buffer.AsSpan(1 + Size));
        return Digest(buffer, 1 + (2 * Size));
    }

    public static byte[] Keccak256(ReadOnlySpan<byte> data)
    {
        var buffer = Input(data.Length);
        data.CopyTo(buffer);
        return Digest(buffer, data.Length);
    }

    private static byte[] Input(int length)
    {
        var buffer = input;
        if (buffer is null || buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, 256)];
            input = buffer;
        }

        return buffer;
    }

    private static byte[] Digest(byte[] buffer, int length)
    {
        var keccak = digest ??= new KeccakDigest(256);
        keccak.BlockUpdate(buffer, 0, length);
        var hash = new byte[Size];
        keccak.DoFinal(hash, 0);
        return hash;
    }
}
