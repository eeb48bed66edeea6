using Ledger.Core.Payouts;
using Ledger.Core.Settlement;

namespace Ledger.Core.Tests.Payouts;

/// <summary>
/// The real payout store, with another pipeline's step (the silo's hold check, a deposit arriving) run at
/// an exact point between two of a caller's steps: the races a decorator can stage exactly where two
/// processes could only hit them by chance. Each hook runs once, on the first call that reaches it, and
/// then disarms itself.
/// </summary>
internal sealed class StagedPayoutStore(IPayoutStore inner) : IPayoutStore
{
    private Func<Payout, Task>? afterAdd;
    private Func<UInt128, Task>? beforeFail;
    private Func<Payout, Task>? afterGet;

    /// <summary>Runs <paramref name="hook"/> right after the next payout is recorded (Created), before the caller sees it.</summary>
    public void AfterAdd(Func<Payout, Task> hook) => afterAdd = hook;

    /// <summary>Runs <paramref name="hook"/> before the next pending payout is failed (its hold refused by the ledger).</summary>
    public void BeforeFail(Func<UInt128, Task> hook) => beforeFail = hook;

    /// <summary>Runs <paramref name="hook"/> after the next payout read, before the caller sees what was read.</summary>
    public void AfterGet(Func<Payout, Task> hook) => afterGet = hook;

    public async ValueTask<(PayoutCreation Result, Payout Payout)> TryAddPayoutAsync(Payout payout, CancellationToken cancellationToken)
    {
        var added = await inner.TryAddPayoutAsync(payout, cancellationToken);
        if (added.Result == PayoutCreation.Created && Interlocked.Exchange(ref afterAdd, null) is { } hook)
        {
            await hook(added.Payout);
        }

        return added;
    }

    public async ValueTask<Payout?> GetPayoutAsync(UInt128 id, CancellationToken cancellationToken)
    {
        var payout = await inner.GetPayoutAsync(id, cancellationToken);
        if (payout is not null && Interlocked.Exchange(ref afterGet, null) is { } hook)
        {
            await hook(payout);
        }

        return payout;
    }

    public async ValueTask<bool> TryFailPendingPayoutAsync(UInt128 id, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref beforeFail, null) is { } hook)
        {
            await hook(id);
        }

        return await inner.TryFailPendingPayoutAsync(id, reason, at, cancellationToken);
    }

    public ValueTask<IReadOnlyList<Payout>> ListPayoutsAsync(UInt128? participantId, int limit, CancellationToken cancellationToken) =>
        inner.ListPayoutsAsync(participantId, limit, cancellationToken);

    public ValueTask<IReadOnlyList<Payout>> ListPendingPayoutsAsync(int limit, CancellationToken cancellationToken) =>
        inner.ListPendingPayoutsAsync(limit, cancellationToken);

    public ValueTask<IReadOnlyList<Payout>> ListFailedPayoutsAsync(DateTimeOffset updatedSince, UInt128? afterId, int limit, CancellationToken cancellationToken) =>
        inner.ListFailedPayoutsAsync(updatedSince, afterId, limit, cancellationToken);

    public ValueTask<(SettlementWrite Result, ulong Seq)> TryOpenBatchAsync(IReadOnlyList<UInt128> payoutIds, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) =>
        inner.TryOpenBatchAsync(payoutIds, at, fence, cancellationToken);

    public ValueTask<PayoutBatch?> GetBatchAsync(ulong seq, CancellationToken cancellationToken) => inner.GetBatchAsync(seq, cancellationToken);

    public ValueTask<IReadOnlyList<PayoutBatch>> ListOpenBatchesAsync(int limit, CancellationToken cancellationToken) => inner.ListOpenBatchesAsync(limit, cancellationToken);

    public ValueTask<SettlementWrite> RecordBatchSignedAsync(ulong seq, byte[]? replacedTxHash, SignedAnchor transaction, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) =>
        inner.RecordBatchSignedAsync(seq, replacedTxHash, transaction, at, fence, cancellationToken);

    public ValueTask<SettlementWrite> RecordBatchIncludedAsync(ulong seq, byte[] txHash, ulong blockNumber, byte[] blockHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) =>
        inner.RecordBatchIncludedAsync(seq, txHash, blockNumber, blockHash, at, fence, cancellationToken);

    public ValueTask<SettlementWrite> RecordBatchReorganisedAsync(ulong seq, byte[] txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) =>
        inner.RecordBatchReorganisedAsync(seq, txHash, at, fence, cancellationToken);

    public ValueTask<SettlementWrite> RecordBatchFinalAsync(ulong seq, byte[] txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) =>
        inner.RecordBatchFinalAsync(seq, txHash, at, fence, cancellationToken);

    public ValueTask<SettlementWrite> RecordBatchFailedAsync(ulong seq, string reason, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) =>
        inner.RecordBatchFailedAsync(seq, reason, at, fence, cancellationToken);

    public ValueTask DenyAddressAsync(DeniedAddress entry, CancellationToken cancellationToken) => inner.DenyAddressAsync(entry, cancellationToken);

    public ValueTask<bool> AllowAddressAsync(byte[] address, CancellationToken cancellationToken) => inner.AllowAddressAsync(address, cancellationToken);

    public ValueTask<DeniedAddress?> FindDeniedAddressAsync(byte[] address, CancellationToken cancellationToken) => inner.FindDeniedAddressAsync(address, cancellationToken);

    public ValueTask<IReadOnlyList<DeniedAddress>> ListDeniedAddressesAsync(CancellationToken cancellationToken) => inner.ListDeniedAddressesAsync(cancellationToken);
}
