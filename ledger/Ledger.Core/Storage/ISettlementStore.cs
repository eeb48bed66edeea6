using Ledger.Core.Settlement;

namespace Ledger.Core.Storage;

/// <summary>
/// Settlement batches and their anchors, in the system of record. Every write is fenced by the silo
/// leader's lease (<see cref="SettlementFence"/>) and checked against the stored state in the same
/// transaction, so a deposed leader changes nothing and two leaders cannot both close the same batch or
/// move the same anchor. Reads see only committed data.
/// </summary>
/// <remarks>
/// The anchor's life: <c>pending</c> → <c>submitted</c> (signed and recorded before it is sent) →
/// <c>anchored</c> (in a block) → <c>final</c> (the finality depth deep). A reorganisation takes
/// <c>anchored</c> back to <c>submitted</c> with the same transaction; a transaction that can never be
/// included (its nonce taken by another, or it reverted) is replaced by a newly signed one, still
/// <c>submitted</c>.
/// </remarks>
public interface ISettlementStore
{
    /// <summary>
    /// Closes the batch if it is next in line: its seq is one past the last, it starts at the last batch's
    /// tree size (0 for the first), and its tree size is within the log. The batch and its net positions
    /// are written together or not at all, with anchor status pending.
    /// </summary>
    ValueTask<SettlementWrite> TryCloseSettlementAsync(SettlementDraft draft, SettlementFence fence, CancellationToken cancellationToken);

    ValueTask<SettlementBatch?> GetSettlementAsync(ulong seq, CancellationToken cancellationToken);

    /// <summary>The batch with the highest seq, or null before the first cutoff.</summary>
    ValueTask<SettlementBatch?> GetLastSettlementAsync(CancellationToken cancellationToken);

    /// <summary>Batches with seq above <paramref name="afterSeq"/>, oldest first, at most <paramref name="limit"/> (1 to <see cref="SettlementLimits.SettlementsPageMax"/>).</summary>
    ValueTask<IReadOnlyList<SettlementBatch>> ListSettlementsAsync(ulong afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>Batches whose anchor is not final yet, oldest first, at most <paramref name="limit"/>.</summary>
    ValueTask<IReadOnlyList<SettlementBatch>> ListUnfinalSettlementsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The batch whose range holds the log index, or null while no closed batch covers it.</summary>
    ValueTask<SettlementBatch?> FindSettlementOfLogIndexAsync(ulong logIndex, CancellationToken cancellationToken);

    /// <summary>The highest-seq batch whose anchor is in a block (anchored or final), or null.</summary>
    ValueTask<SettlementBatch?> GetLatestAnchoredSettlementAsync(CancellationToken cancellationToken);

    /// <summary>The highest-seq batch whose anchor is final, or null.</summary>
    ValueTask<SettlementBatch?> GetLatestFinalSettlementAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The transfers with log index in [<paramref name="fromLogIndex"/>, <paramref name="toLogIndex"/>), in
    /// log order, with the owners of their accounts; at most <paramref name="limit"/> (1 to
    /// <see cref="SettlementLimits.OwnedTransfersPageMax"/>). Page on by asking again from the last index + 1.
    /// </summary>
    ValueTask<IReadOnlyList<OwnedTransfer>> GetOwnedTransfersAsync(ulong fromLogIndex, ulong toLogIndex, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records a signed anchor transaction, before it is sent. With <paramref name="replacedTxHash"/> null
    /// the batch must be pending; otherwise it must be submitted with that transaction, which the new one
    /// replaces (its nonce was taken, or it reverted).
    /// </summary>
    ValueTask<SettlementWrite> RecordAnchorSubmittedAsync(ulong seq, byte[]? replacedTxHash, SignedAnchor anchor, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>
    /// Submitted with <paramref name="expectedTxHash"/> (or pending, when it is null: the head was found
    /// already on chain) → anchored in the block of <paramref name="inclusion"/>.
    /// </summary>
    ValueTask<SettlementWrite> RecordAnchorIncludedAsync(ulong seq, byte[]? expectedTxHash, AnchorInclusion inclusion, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>Anchored with <paramref name="txHash"/> → final.</summary>
    ValueTask<SettlementWrite> RecordAnchorFinalAsync(ulong seq, byte[] txHash, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>Anchored with <paramref name="txHash"/> → submitted again, its block forgotten: the same transaction is to be sent again.</summary>
    ValueTask<SettlementWrite> RecordAnchorReorganisedAsync(ulong seq, byte[] txHash, SettlementFence fence, CancellationToken cancellationToken);
}
