namespace Ledger.Bench.Payouts;

/// <summary>
/// What the silo run measured. <see cref="Seconds"/> runs from the first PayoutProcessor.CreateAsync to the
/// moment the last payout was seen Confirmed (polled every 50 ms); <see cref="CreationSeconds"/> is the part
/// in which the payouts were being created. The batch figures come from the stored batches; <see cref="MeanBatchSeconds"/>
/// is the mean time from a batch's opening to its final record. <see cref="Rounds"/> are the pipeline's rounds by
/// the end of the clock (counted from the pipeline's start, just before the clock's), and <see cref="ChainSeconds"/>
/// the part of the clock the pipeline spent waiting on the payout client (<see cref="TimedPayoutChain"/>).
/// </summary>
internal sealed record SiloPayoutResult(
    int Requested,
    int Created,
    int Confirmed,
    int Failed,
    bool Complete,
    double Seconds,
    double CreationSeconds,
    int Batches,
    int BatchCap,
    int LargestBatch,
    double MeanBatch,
    double MeanBatchSeconds,
    long Rounds,
    double ChainSeconds)
{
    public double PayoutsPerMinute => Seconds > 0 ? Confirmed / Seconds * 60 : 0;

    /// <summary>Mean time from one round's start to the next's, the interval included: the pipeline gathers at most one batch per round.</summary>
    public double RoundSeconds => Rounds > 0 ? Seconds / Rounds : 0;
}
