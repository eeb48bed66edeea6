using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Core.Storage;
using Ledger.Core.Tokens;

namespace Ledger.Core.Payouts;

/// <summary>Whether a payout's hold is in the ledger.</summary>
public enum HoldState
{
    /// <summary>Held (pending): the payout may be paid.</summary>
    Held,

    /// <summary>Not committed yet, and the payout is too young to commit it for the request that recorded it.</summary>
    Waiting,

    /// <summary>The ledger refused the hold, for this call or for the request that recorded the payout; the payout was failed (nothing is held).</summary>
    Refused,

    /// <summary>Already posted or voided: the payout is settled one way or the other and must not be paid again.</summary>
    Resolved,
}

/// <summary>
/// The ledger side of payouts: the operator's payout clearing account, each payout's hold, and its post
/// or void. Every transfer has an id derived from the payout id, so each step may be repeated after a
/// crash, by the request that recorded the payout or by the silo, and money moves once.
/// </summary>
public sealed class PayoutLedger(IPayoutStore payouts, ILedgerStore ledger, LedgerEngine engine, TimeProvider clock, UInt128 operatorId)
{
    /// <summary>Creates the operator's payout clearing account of the ledger if it is missing.</summary>
    public async Task EnsureClearingAccountAsync(uint ledgerNumber, CancellationToken cancellationToken)
    {
        var account = OperatorAccounts.PayoutClearing(operatorId, ledgerNumber);
        if (await ledger.GetAccountAsync(account.Id, cancellationToken) is not null)
        {
            return;
        }

        var outcome = await engine.CreateAccountsAsync([account], cancellationToken);
        var result = outcome.Results[0].Result;
        if (result is not (CreateAccountResult.Created or CreateAccountResult.Exists))
        {
            throw new InvalidOperationException($"The payout clearing account of ledger {ledgerNumber} could not be created: {result.Name()}.");
        }
    }

    /// <summary>
    /// Commits the payout's hold. Null when it is held (created now or before); otherwise the ledger's
    /// refusal, after which the payout is failed with it (when still pending in no batch).
    /// </summary>
    public async Task<CreateTransferResult?> CommitHoldAsync(Payout payout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payout);
        var hold = PayoutLegs.Hold(payout.Id, payout.AccountId, payout.ClearingAccountId, payout.Ledger, payout.Amount);
        var outcome = await engine.CreateTransfersAsync([hold], UInt128.Zero, cancellationToken);
        var result = outcome.Results[0].Result;
        if (result is CreateTransferResult.Created or CreateTransferResult.Exists)
        {
            return null;
        }

        await payouts.TryFailPendingPayoutAsync(payout.Id, result.Name(), clock.GetUtcNow(), cancellationToken);
        return result;
    }

    /// <summary>
    /// Where the hold of a pending payout stands, committing it first when it is missing and the payout is
    /// older than <paramref name="grace"/> (the request that recorded it crashed, or is slow).
    /// </summary>
    /// <remarks>
    /// <paramref name="payout"/> may be stale (read in a listing before this call): a payout the request
    /// failed since (its own hold refused) answers <see cref="HoldState.Refused"/> and gets no hold. The
    /// request may also fail it between that check and this commit; a hold committed for a payout found
    /// Failed after is voided, as the request voids one it finds after failing the payout, so that a Failed
    /// payout never keeps funds held whichever of the two commits first.
    /// </remarks>
    public async Task<HoldState> EnsureHoldAsync(Payout payout, TimeSpan grace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payout);
        var stored = await ledger.GetTransferAsync(PayoutLegs.HoldId(payout.Id), cancellationToken);
        if (stored is { } existing)
        {
            return existing.Pending is { Status: PendingStatus.Pending } ? HoldState.Held : HoldState.Resolved;
        }

        if (clock.GetUtcNow() - payout.CreatedAt < grace)
        {
            return HoldState.Waiting;
        }

        // Without a hold, a payout leaves Pending only by a refused hold (no batch takes a payout that is not held).
        var current = await payouts.GetPayoutAsync(payout.Id, cancellationToken)
            ?? throw new InvalidOperationException($"Payout {payout.Id} is not in the store; payouts are never deleted.");
        if (current.Status != PayoutStatus.Pending)
        {
            return HoldState.Refused;
        }

        if (await CommitHoldAsync(current, cancellationToken) is not null)
        {
            return HoldState.Refused;
        }

        if (await payouts.GetPayoutAsync(payout.Id, cancellationToken) is { Status: PayoutStatus.Failed })
        {
            if (await IsHeldAsync(payout.Id, cancellationToken))
            {
                await ResolveAsync(payout.Id, paid: false, cancellationToken);
            }

            return HoldState.Refused;
        }

        var after = await ledger.GetTransferAsync(PayoutLegs.HoldId(payout.Id), cancellationToken);
        return after?.Pending is { Status: PendingStatus.Pending } ? HoldState.Held : HoldState.Resolved;
    }

    /// <summary>True when the payout's hold is still pending (neither posted nor voided).</summary>
    public async Task<bool> IsHeldAsync(UInt128 payoutId, CancellationToken cancellationToken) =>
        (await ledger.GetTransferAsync(PayoutLegs.HoldId(payoutId), cancellationToken))?.Pending is { Status: PendingStatus.Pending };

    /// <summary>
    /// Posts (paid) or voids (funds back) the payout's hold; a repeat finds it done. Throws when the
    /// ledger already holds the opposite outcome, or no hold at all: the chain and the books disagree
    /// and nobody may paper over it.
    /// </summary>
    public Task ResolveAsync(UInt128 payoutId, bool paid, CancellationToken cancellationToken) =>
        ResolveManyAsync([payoutId], paid, cancellationToken);

    /// <summary>
    /// <see cref="ResolveAsync"/> for every payout of a batch at once: the pending holds are resolved in as
    /// few engine requests as the batch limit allows (one commit, one fsync, for a batch of 256 rather than
    /// 256), and each is then checked to be in the wanted state. Nothing is written when any payout has no
    /// hold; an opposite outcome found after the commit throws like <see cref="ResolveAsync"/>.
    /// </summary>
    public async Task ResolveManyAsync(IReadOnlyList<UInt128> payoutIds, bool paid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payoutIds);
        var pending = new List<Transfer>(payoutIds.Count);
        foreach (var id in payoutIds)
        {
            var hold = await ledger.GetTransferAsync(PayoutLegs.HoldId(id), cancellationToken);
            if (hold?.Pending is not { } state)
            {
                throw new InvalidOperationException($"Payout {id} has no hold in the ledger to {(paid ? "post" : "void")}.");
            }

            if (state.Status == PendingStatus.Pending)
            {
                pending.Add(PayoutLegs.Resolve(id, paid));
            }
        }

        foreach (var chunk in pending.Chunk(LedgerLimits.EventsPerBatchMax))
        {
            await engine.CreateTransfersAsync(chunk, UInt128.Zero, cancellationToken);
        }

        var wanted = paid ? PendingStatus.Posted : PendingStatus.Voided;
        foreach (var id in payoutIds)
        {
            var state = (await ledger.GetTransferAsync(PayoutLegs.HoldId(id), cancellationToken))!.Value.Pending!.Value;
            if (state.Status != wanted)
            {
                throw new InvalidOperationException($"Payout {id}: the chain says {(paid ? "paid" : "not paid")}, but its hold in the ledger is {state.Status}.");
            }
        }
    }
}
