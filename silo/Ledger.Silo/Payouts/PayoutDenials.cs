using Ledger.Core.Cluster;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Silo.Leadership;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo.Payouts;

/// <summary>
/// Fails a pending payout whose destination was put on the deny list after it was requested, so it is
/// never paid, and gives its held funds back.
/// </summary>
/// <remarks>
/// The store's status moves first: Pending in no batch → Failed (<c>destination_denied</c>), compare-and-set,
/// after which no batch can take the payout (a batch opens only with Pending payouts in no batch); only then
/// is the hold voided. A crash between the two leaves a Failed payout with its hold pending, which
/// <see cref="FailedHoldSweep"/> voids on the next tracker's first round. The lease is read before the
/// status moves and again before the ledger does, as for every batch.
/// </remarks>
internal sealed partial class PayoutDenials(
    IPayoutStore payouts, FailedHoldSweep holds, ILeaseStore leases, PayoutOptions options, PayoutMetrics metrics, TimeProvider clock, ILogger logger)
{
    /// <summary>The failure reason recorded on a payout whose destination is denied.</summary>
    public const string Reason = PayoutProcessor.DeniedReason;

    /// <summary>Fails the payout (if it is still Pending in no batch), then voids its hold if one is pending.</summary>
    public async Task FailAsync(Payout payout, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payout);
        await LeaseCheck.EnsureHeldAsync(leases, fence, "Payouts", cancellationToken);
        if (await payouts.TryFailPendingPayoutAsync(payout.Id, Reason, clock.GetUtcNow(), cancellationToken))
        {
            metrics.PayoutDenied();
            LogDenied(logger, payout.Id, Convert.ToHexString(payout.Destination));
        }
        else
        {
            // Failed since the listing by the request's refused hold; its hold, if one is pending, is voided below all the same.
            LogNoLongerPending(logger, payout.Id);
        }

        options.CrashHook?.Invoke(PayoutCrashPoint.AfterDenied);
        await holds.VoidIfFailedAsync(payout.Id, fence, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout {PayoutId}: its destination 0x{Destination} is on the deny list; the payout is failed and its hold voided.")]
    private static partial void LogDenied(ILogger logger, UInt128 payoutId, string destination);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payout {PayoutId}: its destination is denied, but it is no longer pending in no batch; it is not failed again.")]
    private static partial void LogNoLongerPending(ILogger logger, UInt128 payoutId);
}
