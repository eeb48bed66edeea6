namespace Ledger.Silo.Payouts;

/// <summary>
/// Counters of the payout pipeline since the process started, for <c>/metrics</c>. Shared by every
/// pipeline and tracker of the process (one singleton), read as a consistent-enough snapshot.
/// </summary>
public sealed class PayoutMetrics
{
    private long batchesOpened;
    private long batchesFinal;
    private long batchesFailed;
    private long payoutsConfirmed;
    private long payoutsFailed;
    private long treasuryShortfallWaits;
    private long payoutsDenied;
    private long strandedHoldsVoided;

    public PayoutMetricsSnapshot Snapshot() => new(
        Interlocked.Read(ref batchesOpened),
        Interlocked.Read(ref batchesFinal),
        Interlocked.Read(ref batchesFailed),
        Interlocked.Read(ref payoutsConfirmed),
        Interlocked.Read(ref payoutsFailed),
        Interlocked.Read(ref treasuryShortfallWaits),
        Interlocked.Read(ref payoutsDenied),
        Interlocked.Read(ref strandedHoldsVoided));

    internal void BatchOpened() => Interlocked.Increment(ref batchesOpened);

    internal void BatchFinal(int payouts)
    {
        Interlocked.Increment(ref batchesFinal);
        Interlocked.Add(ref payoutsConfirmed, payouts);
    }

    internal void BatchFailed(int payouts)
    {
        Interlocked.Increment(ref batchesFailed);
        Interlocked.Add(ref payoutsFailed, payouts);
    }

    internal void HoldRefused() => Interlocked.Increment(ref payoutsFailed);

    internal void TreasuryShortfall() => Interlocked.Increment(ref treasuryShortfallWaits);

    /// <summary>A pending payout failed because its destination is denied: counted as failed and as denied.</summary>
    internal void PayoutDenied()
    {
        Interlocked.Increment(ref payoutsFailed);
        Interlocked.Increment(ref payoutsDenied);
    }

    internal void StrandedHoldVoided() => Interlocked.Increment(ref strandedHoldsVoided);
}

/// <summary>
/// The payout counters at one moment. <see cref="PayoutsFailed"/> counts the payouts of failed batches,
/// those whose hold the ledger refused and those failed for a denied destination;
/// <see cref="TreasuryShortfallWaits"/> counts rounds in which payouts were left waiting because the
/// treasury's balance was short; <see cref="PayoutsDenied"/> counts pending payouts failed because their
/// destination was denied after the request; <see cref="StrandedHoldsVoided"/> counts holds of Failed
/// payouts left pending by a crash and voided by the sweep.
/// </summary>
public sealed record PayoutMetricsSnapshot(
    long BatchesOpened,
    long BatchesFinal,
    long BatchesFailed,
    long PayoutsConfirmed,
    long PayoutsFailed,
    long TreasuryShortfallWaits,
    long PayoutsDenied,
    long StrandedHoldsVoided);
