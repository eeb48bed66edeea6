namespace Ledger.Core.Merkle;

/// <summary>
/// The hash of a perfect subtree of the log: the <paramref name="Level"/>-th power of two leaves starting
/// at leaf <c>Index · 2^Level</c>. Level 0 is a leaf hash.
/// </summary>
public sealed record MerkleNode(int Level, ulong Index, byte[] Hash);
