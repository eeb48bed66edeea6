using Ledger.Core.Settlement;

namespace Ledger.Core.Payouts;

public enum PayoutCreation
{
    Created,

    /// <summary>A payout with this id exists; nothing changed.</summary>
    Exists,
}

/// <summary>
/// Payouts, their batches and the deny list, in the system of record. Money moves in the ledger (the
/// hold, then its post or void, with ids derived from the payout id); what this store guarantees is that
/// every batch write is fenced by the silo leader's lease (<see cref="SettlementFence"/>) and
/// compare-and-set on the stored state, so a payout is in at most one batch that is not Failed, and a
/// deposed leader changes nothing.
/// </summary>
public interface IPayoutStore
{
    /// <summary>Records a payout at status Pending; an existing id answers Exists with the stored one.</summary>
    ValueTask<(PayoutCreation Result, Payout Payout)> TryAddPayoutAsync(Payout payout, CancellationToken cancellationToken);

    ValueTask<Payout?> GetPayoutAsync(UInt128 id, CancellationToken cancellationToken);

    /// <summary>
    /// Pending in no batch → Failed with the reason (its hold was refused by the ledger, so nothing was
    /// held and nothing can be paid). False, nothing changed, for any other state.
    /// </summary>
    ValueTask<bool> TryFailPendingPayoutAsync(UInt128 id, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Payouts newest first: one participant's, or everyone's when <paramref name="participantId"/> is null.</summary>
    ValueTask<IReadOnlyList<Payout>> ListPayoutsAsync(UInt128? participantId, int limit, CancellationToken cancellationToken);

    /// <summary>Pending payouts not in any batch, oldest first.</summary>
    ValueTask<IReadOnlyList<Payout>> ListPendingPayoutsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Failed payouts, in a batch or not, updated at or after <paramref name="updatedSince"/>: oldest
    /// update first, then by id. With <paramref name="afterId"/>, those updated exactly at
    /// <paramref name="updatedSince"/> come only past that id, so the last payout of a page (its
    /// <see cref="Payout.UpdatedAt"/> and <see cref="Payout.Id"/>) continues the listing where it
    /// stopped, however many payouts share one instant.
    /// </summary>
    ValueTask<IReadOnlyList<Payout>> ListFailedPayoutsAsync(DateTimeOffset updatedSince, UInt128? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the next batch (seq one past the last) with these payouts, all of which must be Pending and in
    /// no batch; they become Submitted with this batch. Conflict (nothing changed) otherwise.
    /// </summary>
    ValueTask<(SettlementWrite Result, ulong Seq)> TryOpenBatchAsync(IReadOnlyList<UInt128> payoutIds, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken);

    ValueTask<PayoutBatch?> GetBatchAsync(ulong seq, CancellationToken cancellationToken);

    /// <summary>Batches that are not Final or Failed, oldest first.</summary>
    ValueTask<IReadOnlyList<PayoutBatch>> ListOpenBatchesAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records the signed transaction before it is sent: from Open (<paramref name="replacedTxHash"/> null)
    /// or from Signed with that hash (a replacement: the nonce was taken). Attempts + 1.
    /// </summary>
    ValueTask<SettlementWrite> RecordBatchSignedAsync(ulong seq, byte[]? replacedTxHash, SignedAnchor transaction, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>Signed with <paramref name="txHash"/> → Included in that block.</summary>
    ValueTask<SettlementWrite> RecordBatchIncludedAsync(ulong seq, byte[] txHash, ulong blockNumber, byte[] blockHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>Included with <paramref name="txHash"/> → Signed again (a reorganisation took the block away).</summary>
    ValueTask<SettlementWrite> RecordBatchReorganisedAsync(ulong seq, byte[] txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>Included with <paramref name="txHash"/> → Final; its payouts become Confirmed, in the same transaction.</summary>
    ValueTask<SettlementWrite> RecordBatchFinalAsync(ulong seq, byte[] txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>Open, Signed or Included → Failed with the reason; its payouts become Failed, in the same transaction.</summary>
    ValueTask<SettlementWrite> RecordBatchFailedAsync(ulong seq, string reason, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>Adds or replaces an address on the deny list.</summary>
    ValueTask DenyAddressAsync(DeniedAddress entry, CancellationToken cancellationToken);

    /// <summary>Takes an address off the deny list; false when it was not on it.</summary>
    ValueTask<bool> AllowAddressAsync(byte[] address, CancellationToken cancellationToken);

    ValueTask<DeniedAddress?> FindDeniedAddressAsync(byte[] address, CancellationToken cancellationToken);

    /// <summary>The deny list, ordered by address.</summary>
    ValueTask<IReadOnlyList<DeniedAddress>> ListDeniedAddressesAsync(CancellationToken cancellationToken);
}
