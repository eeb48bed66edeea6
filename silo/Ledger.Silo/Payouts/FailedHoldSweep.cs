using Ledger.Core.Cluster;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Silo.Leadership;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo.Payouts;

/// <summary>
/// Voids the hold of a payout that is Failed in no batch while its hold is still pending: what a crash
/// leaves between failing a payout and voiding its hold (the pipeline failing a denied payout, or either
/// pipeline finding the payout failed by the other after its own hold was committed). Such a payout can
/// never be batched again (only a Pending payout can), so voiding its hold is always right.
/// </summary>
/// <remarks>
/// The store lists Failed payouts only among everyone's newest (<see cref="IPayoutStore.ListPayoutsAsync"/>),
/// so a sweep looks at the newest <see cref="PayoutsPerSweepMax"/> payouts: on the first round of a
/// tracker (after a restart), after a round that faulted, and every <see cref="PayoutOptions.FailedHoldSweepInterval"/>.
/// A stranded payout older than that window is still voided by a retry of its request.
/// </remarks>
internal sealed partial class FailedHoldSweep(
    IPayoutStore payouts, PayoutLedger ledger, ILeaseStore leases, PayoutOptions options, PayoutMetrics metrics, TimeProvider clock, ILogger logger)
{
    /// <summary>The most payouts, newest first, one sweep looks at (the stores' page limit).</summary>
    public const int PayoutsPerSweepMax = 1000;

    private DateTimeOffset? lastSwept;

    /// <summary>The next round sweeps, whatever the interval: a round faulted, maybe between the two steps.</summary>
    public void MarkDue() => lastSwept = null;

    /// <summary>Sweeps when due; the time of a completed sweep is remembered only once it is done.</summary>
    public async Task RunIfDueAsync(SettlementFence fence, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (lastSwept is { } last && now - last < options.FailedHoldSweepInterval)
        {
            return;
        }

        var recent = await payouts.ListPayoutsAsync(null, PayoutsPerSweepMax, cancellationToken);
        foreach (var payout in recent)
        {
            if (payout is { Status: PayoutStatus.Failed, BatchSeq: null } && await VoidIfFailedAsync(payout.Id, fence, cancellationToken))
            {
                metrics.StrandedHoldVoided();
                LogStrandedHoldVoided(logger, payout.Id, payout.FailureReason);
            }
        }

        lastSwept = now;
    }

    /// <summary>
    /// Voids the payout's hold when it is pending and the payout is, as stored now, Failed in no batch.
    /// True when this call voided it.
    /// </summary>
    public async Task<bool> VoidIfFailedAsync(UInt128 payoutId, SettlementFence fence, CancellationToken cancellationToken)
    {
        if (!await ledger.IsHeldAsync(payoutId, cancellationToken))
        {
            return false;
        }

        // Failed is final: once read Failed in no batch, no batch can take the payout, so the hold is free to void.
        var current = await payouts.GetPayoutAsync(payoutId, cancellationToken)
            ?? throw new InvalidOperationException($"Payout {payoutId} is not in the store; payouts are never deleted.");
        if (current is not { Status: PayoutStatus.Failed, BatchSeq: null })
        {
            return false;
        }

        await LeaseCheck.EnsureHeldAsync(leases, fence, "Payouts", cancellationToken);
        await ledger.ResolveAsync(payoutId, paid: false, cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout {PayoutId} was Failed ({Reason}) with its hold still pending (a crash between the two steps); the hold is voided, the funds are back.")]
    private static partial void LogStrandedHoldVoided(ILogger logger, UInt128 payoutId, string? reason);
}
