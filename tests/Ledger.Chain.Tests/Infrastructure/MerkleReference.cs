using Ledger.Chain.Crypto;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Tests.Infrastructure;

/// <summary>
/// A deliberately plain RFC 9162 §2.1 reference over Keccak-256 (PROOFS.md): leaf keccak(0x00‖data),
/// node keccak(0x01‖left‖right), the split at the largest power of two below n. Written straight from the
/// RFC's recursive definitions so it can judge the contract, not share its bugs.
/// </summary>
internal static class MerkleReference
{
    public static Hash32 LeafHash(byte[] data) => Hash32.FromBytes(Keccak256.Hash([0x00, .. data]));

    public static Hash32 Root(IReadOnlyList<byte[]> leaves) => Hash32.FromBytes(TreeHash(leaves.Select(LeafBytes).ToList()));

    /// <summary>PATH(m, D[n]) of RFC 9162 §2.1.3.1.</summary>
    public static IReadOnlyList<Hash32> InclusionProof(int index, IReadOnlyList<byte[]> leaves) =>
        Path(index, leaves.Select(LeafBytes).ToList()).Select(h => Hash32.FromBytes(h)).ToList();

    /// <summary>PROOF(m, D[n]) of RFC 9162 §2.1.4.1.</summary>
    public static IReadOnlyList<Hash32> ConsistencyProof(int oldSize, IReadOnlyList<byte[]> leaves) =>
        SubProof(oldSize, leaves.Select(LeafBytes).ToList(), true).Select(h => Hash32.FromBytes(h)).ToList();

    /// <summary>Test records: distinct 128-byte blobs, as the ledger's transfer records are.</summary>
    public static List<byte[]> Records(int count, int seed) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var record = new byte[128];
            record[0] = (byte)seed;
            record[1] = (byte)(i >> 8);
            record[2] = (byte)i;
            return record;
        }).ToList();

    private static byte[] LeafBytes(byte[] data) => Keccak256.Hash([0x00, .. data]);

    private static byte[] Node(byte[] left, byte[] right) => Keccak256.Hash([0x01, .. left, .. right]);

    private static int Split(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }

    private static byte[] TreeHash(List<byte[]> leafHashes) => leafHashes.Count switch
    {
        0 => Keccak256.Hash([]),
        1 => leafHashes[0],
        _ => Node(TreeHash(leafHashes[..Split(leafHashes.Count)]), TreeHash(leafHashes[Split(leafHashes.Count)..])),
    };

    private static List<byte[]> Path(int m, List<byte[]> d)
    {
        if (d.Count == 1)
        {
            return [];
        }

        var k = Split(d.Count);
        return m < k
            ? [.. Path(m, d[..k]), TreeHash(d[k..])]
            : [.. Path(m - k, d[k..]), TreeHash(d[..k])];
    }

    private static List<byte[]> SubProof(int m, List<byte[]> d, bool complete)
    {
        if (m == d.Count)
        {
            return complete ? [] : [TreeHash(d)];
        }

        var k = Split(d.Count);
        return m <= k
            ? [.. SubProof(m, d[..k], complete), TreeHash(d[k..])]
            : [.. SubProof(m - k, d[k..], false), TreeHash(d[..k])];
    }
}
