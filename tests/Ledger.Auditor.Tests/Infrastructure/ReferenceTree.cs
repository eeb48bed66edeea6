using Ledger.Chain.Crypto;

namespace Ledger.Auditor.Tests.Infrastructure;

/// <summary>
/// A plain RFC 9162 §2.1 tree over Keccak-256 written from the RFC's recursive definitions (MTH, PATH,
/// PROOF) with slices of the leaf list, so it can judge the tool's iterative verifiers and frontier.
/// </summary>
internal sealed class ReferenceTree(IReadOnlyList<byte[]> records)
{
    private readonly List<byte[]> _leaves = [.. records.Select(r => Keccak256.Hash([0x00, .. r]))];

    public IReadOnlyList<byte[]> Records { get; } = records;

    public int Size => _leaves.Count;

    public static ReferenceTree Random(int size, int seed)
    {
        var random = new Random(seed);
        var records = new List<byte[]>(size);
        for (var i = 0; i < size; i++)
        {
            var record = new byte[128];
            random.NextBytes(record);
            records.Add(record);
        }

        return new ReferenceTree(records);
    }

    public byte[] LeafHash(int index) => _leaves[index];

    /// <summary>MTH(D[0:n]).</summary>
    public byte[] Root(int size) => Hash(_leaves[..size]);

    public byte[] Root() => Root(Size);

    /// <summary>PATH(m, D[0:n]).</summary>
    public IReadOnlyList<byte[]> InclusionPath(int index, int size) => Path(index, _leaves[..size]);

    /// <summary>PROOF(m, D[0:n]).</summary>
    public IReadOnlyList<byte[]> ConsistencyProof(int first, int second) => SubProof(first, _leaves[..second], complete: true);

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

    private static byte[] Hash(List<byte[]> d) => d.Count switch
    {
        0 => Keccak256.Hash([]),
        1 => d[0],
        _ => Node(Hash(d[..Split(d.Count)]), Hash(d[Split(d.Count)..])),
    };

    private static List<byte[]> Path(int m, List<byte[]> d)
    {
        if (d.Count == 1)
        {
            return [];
        }

        var k = Split(d.Count);
        return m < k ? [.. Path(m, d[..k]), Hash(d[k..])] : [.. Path(m - k, d[k..]), Hash(d[..k])];
    }

    private static List<byte[]> SubProof(int m, List<byte[]> d, bool complete)
    {
        if (m == d.Count)
        {
            return complete ? [] : [Hash(d)];
        }

        var k = Split(d.Count);
        return m <= k
            ? [.. SubProof(m, d[..k], complete), Hash(d[k..])]
            : [.. SubProof(m - k, d[k..], false), Hash(d[..k])];
    }
}
