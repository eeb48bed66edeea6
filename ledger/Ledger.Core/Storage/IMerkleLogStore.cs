namespace Ledger.Core.Storage;

/// <summary>
/// The read side of the log's Merkle tree. Nodes are perfect subtrees (level, index), covering leaves
/// [index · 2^level, (index + 1) · 2^level); a node exists once its last leaf is committed. Level 0 is a
/// leaf hash, which a store may compute from the record rather than keep. Reads see only committed data.
/// </summary>
public interface IMerkleLogStore
{
    /// <summary>The most records one <see cref="GetLogRecordsAsync"/> returns.</summary>
    const int LogRecordsPageMax = 8192;

    /// <summary>The head as committed; a node exists exactly when its last leaf is below the head's log size.</summary>
    ValueTask<LedgerHead> GetHeadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every node among <paramref name="keys"/> that exists, in one request against one snapshot. Missing
    /// keys are absent from the answer.
    /// </summary>
    ValueTask<IReadOnlyDictionary<(int Level, ulong Index), byte[]>> GetMerkleNodesAsync(IReadOnlyCollection<(int Level, ulong Index)> keys, CancellationToken cancellationToken);

    /// <summary>The 128-byte records of the log from <paramref name="fromIndex"/>, in log order, at most <paramref name="limit"/>.</summary>
    ValueTask<IReadOnlyList<(ulong Index, byte[] Record)>> GetLogRecordsAsync(ulong fromIndex, int limit, CancellationToken cancellationToken);
}
