using Ledger.Core.Payouts;
using Ledger.Core.Settlement;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>The payout store's calls, failing like the rest while <see cref="FaultyStore.Failing"/> is set.</summary>
public sealed partial class FaultyStore
{
    private IPayoutStore Payouts => (IPayoutStore)inner;

    public ValueTask<(PayoutCreation Result, Payout Payout)> TryAddPayoutAsync(Payout payout, CancellationToken cancellationToken) { Check(); return Payouts.TryAddPayoutAsync(payout, cancellationToken); }

    public ValueTask<Payout?> GetPayoutAsync(UInt128 id, CancellationToken cancellationToken) { Check(); return Payouts.GetPayoutAsync(id, cancellationToken); }

    public ValueTask<bool> TryFailPendingPayoutAsync(UInt128 id, string reason, DateTimeOffset at, CancellationToken cancellationToken) { Check(); return Payouts.TryFailPendingPayoutAsync(id, reason, at, cancellationToken); }

    public ValueTask<IReadOnlyList<Payout>> ListPayoutsAsync(UInt128? participantId, int limit, CancellationToken cancellationToken) { Check(); return Payouts.ListPayoutsAsync(participantId, limit, cancellationToken); }

    public ValueTask<IReadOnlyList<Payout>> ListPendingPayoutsAsync(int limit, CancellationToken cancellationToken) { Check(); return Payouts.ListPendingPayoutsAsync(limit, cancellationToken); }

    public ValueTask<IReadOnlyList<Payout>> ListFailedPayoutsAsync(DateTimeOffset updatedSince, UInt128? afterId, int limit, CancellationToken cancellationToken) { Check(); return Payouts.ListFailedPayoutsAsync(updatedSince, afterId, limit, cancellationToken); }

    public ValueTask<(SettlementWrite Result, ulong Seq)> TryOpenBatchAsync(IReadOnlyList<UInt128> payoutIds, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) { Check(); return Payouts.TryOpenBatchAsync(payoutIds, at, fence, cancellationToken); }

    public ValueTask<PayoutBatch?> GetBatchAsync(ulong seq, CancellationToken cancellationToken) { Check(); return Payouts.GetBatchAsync(seq, cancellationToken); }

    public ValueTask<IReadOnlyList<PayoutBatch>> ListOpenBatchesAsync(int limit, CancellationToken cancellationToken) { Check(); return Payouts.ListOpenBatchesAsync(limit, cancellationToken); }

    public ValueTask<SettlementWrite> RecordBatchSignedAsync(ulong seq, byte[]? replacedTxHash, SignedAnchor transaction, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) { Check(); return Payouts.RecordBatchSignedAsync(seq, replacedTxHash, transaction, at, fence, cancellationToken); }

    public ValueTask<SettlementWrite> RecordBatchIncludedAsync(ulong seq, byte[] txHash, ulong blockNumber, byte[] blockHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) { Check(); return Payouts.RecordBatchIncludedAsync(seq, txHash, blockNumber, blockHash, at, fence, cancellationToken); }

    public ValueTask<SettlementWrite> RecordBatchReorganisedAsync(ulong seq, byte[] txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) { Check(); return Payouts.RecordBatchReorganisedAsync(seq, txHash, at, fence, cancellationToken); }

    public ValueTask<SettlementWrite> RecordBatchFinalAsync(ulong seq, byte[] txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) { Check(); return Payouts.RecordBatchFinalAsync(seq, txHash, at, fence, cancellationToken); }

    public ValueTask<SettlementWrite> RecordBatchFailedAsync(ulong seq, string reason, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) { Check(); return Payouts.RecordBatchFailedAsync(seq, reason, at, fence, cancellationToken); }

    public ValueTask DenyAddressAsync(DeniedAddress entry, CancellationToken cancellationToken) { Check(); return Payouts.DenyAddressAsync(entry, cancellationToken); }

    public ValueTask<bool> AllowAddressAsync(byte[] address, CancellationToken cancellationToken) { Check(); return Payouts.AllowAddressAsync(address, cancellationToken); }

    public ValueTask<DeniedAddress?> FindDeniedAddressAsync(byte[] address, CancellationToken cancellationToken) { Check(); return Payouts.FindDeniedAddressAsync(address, cancellationToken); }

    public ValueTask<IReadOnlyList<DeniedAddress>> ListDeniedAddressesAsync(CancellationToken cancellationToken) { Check(); return Payouts.ListDeniedAddressesAsync(cancellationToken); }
}
