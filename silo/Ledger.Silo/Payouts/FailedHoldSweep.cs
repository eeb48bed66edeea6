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
/// A sweep pages through the Failed payouts in order of update (<see cref="IPayoutStore.ListFailedPayoutsAsync"/>)
/// from a watermark: the first sweep of a process from the beginning (every Failed payout ever), each
/// later one from the start of the last completed sweep less <see cref="SafetyMargin"/>, so a payout
/// failed while a sweep ran, committed late or stamped by a node whose clock is somewhat behind, is seen
/// by the next. A sweep starts on the first round of a tracker (after a restart), after a round that
/// faulted, and every <see cref="PayoutOptions.FailedHoldSweepInterval"/>; it reads at most
/// <see cref="PagesPerRoundMax"/> pages a round, so a long first sweep goes on over the next rounds
/// (whatever the interval) from where the last one stopped, and only its end starts the interval.
/// </remarks>
internal sealed partial class FailedHoldSweep(
    IPayoutStore payouts, PayoutLedger ledger, ILeaseStore leases, PayoutOptions options, PayoutMetrics metrics, TimeProvider clock, ILogger logger)
{
    /// <summary>Failed payouts one page reads (the stores' page limit).</summary>
    public const int PayoutsPerPage = 1000;

    /// <summary>The most pages one round reads: the bound on a round's work when a sweep is long.</summary>
    public const int PagesPerRoundMax = 10;

    /// <summary>The least a later sweep reaches back before the start of the last completed one.</summary>
    public static readonly TimeSpan SafetyMarginMin = TimeSpan.FromMinutes(1);

    /// <summary>Start of the last completed sweep: the next one's watermark, less the margin. Null before the first.</summary>
    private DateTimeOffset? lastCompleted;

    /// <summary>The next round sweeps, whatever the interval.</summary>
    private bool due = true;

    /// <summary>Where the sweep in progress goes on (the last payout it read), and when it started; null between sweeps.</summary>
    private (DateTimeOffset Since, UInt128? AfterId, DateTimeOffset Started)? cursor;

    /// <summary>How far a sweep reaches back before the last one's start: the interval, and at least <see cref="SafetyMarginMin"/>.</summary>
    private TimeSpan SafetyMargin => options.FailedHoldSweepInterval > SafetyMarginMin ? options.FailedHoldSweepInterval : SafetyMarginMin;

    /// <summary>The next round sweeps, whatever the interval: a round faulted, maybe between the two steps.</summary>
    public void MarkDue() => due = true;

    /// <summary>
    /// Starts a sweep when due, or goes on with the one in progress, for up to <see cref="PagesPerRoundMax"/>
    /// pages. The position moves past a page only once every payout in it is handled, and a sweep counts as
    /// completed (its start the next watermark) only once its last page is.
    /// </summary>
    public async Task RunIfDueAsync(SettlementFence fence, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (cursor is null)
        {
            if (!due && lastCompleted is { } last && now - last < options.FailedHoldSweepInterval)
            {
                return;
            }

            var since = lastCompleted is { } started ? started - SafetyMargin : DateTimeOffset.MinValue;
            cursor = (since, null, now);
        }

        due = false;
        for (var page = 0; page < PagesPerRoundMax; page++)
        {
            var (since, afterId, started) = cursor.Value;
            var failed = await payouts.ListFailedPayoutsAsync(since, afterId, PayoutsPerPage, cancellationToken);
            foreach (var payout in failed)
            {
                // A Failed payout in a batch had its hold voided with the batch's failure (ResolveManyAsync).
                if (payout.BatchSeq is null && await VoidIfFailedAsync(payout.Id, fence, cancellationToken))
                {
                    metrics.StrandedHoldVoided();
                    LogStrandedHoldVoided(logger, payout.Id, payout.FailureReason);
                }
            }

            if (failed.Count < PayoutsPerPage)
            {
                lastCompleted = started;
                cursor = null;
                return;
            }

            cursor = (failed[^1].UpdatedAt, failed[^1].Id, started);
        }
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
