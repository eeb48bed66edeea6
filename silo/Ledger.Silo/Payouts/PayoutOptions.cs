using Ledger.Core.Payouts;

namespace Ledger.Silo.Payouts;

/// <summary>The steps of a batch at which a crash test may kill the node (<see cref="PayoutOptions.CrashHook"/>).</summary>
public enum PayoutCrashPoint
{
    /// <summary>The signed transaction is recorded; nothing is sent.</summary>
    AfterSigned,

    /// <summary>The transaction is sent; its inclusion is not recorded yet.</summary>
    AfterSent,

    /// <summary>The transaction is final on chain; the holds are not posted yet.</summary>
    AfterFinal,

    /// <summary>A payout to a denied destination is Failed; its hold is not voided yet.</summary>
    AfterDenied,
}

/// <summary>How the payout pipeline paces and bounds itself.</summary>
public sealed class PayoutOptions
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan DefaultHoldGrace = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultFailedHoldSweepInterval = TimeSpan.FromMinutes(5);

    public const int DefaultAttemptsMax = 5;

    /// <summary>The most transactions one batch may be signed with; a bound on a loop of displacements.</summary>
    public const int AttemptsLimit = 100;

    /// <summary>How often the leader moves batches on and gathers payouts (<c>LEDGER_PAYOUT_INTERVAL_SECONDS</c>).</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>
    /// How long a pending payout whose hold is missing is left to the request that recorded it (which
    /// commits the hold right after); past it, the silo commits the hold itself.
    /// </summary>
    public TimeSpan HoldGrace { get; set; } = DefaultHoldGrace;

    /// <summary>
    /// How often the leader looks for Failed payouts whose hold is still pending (a crash between failing
    /// and voiding) and voids those holds; it also looks on a tracker's first round and after a faulted one.
    /// </summary>
    public TimeSpan FailedHoldSweepInterval { get; set; } = DefaultFailedHoldSweepInterval;

    /// <summary>The most payouts in one batch (one <c>pay</c> transaction); the chain's gas cap may allow fewer.</summary>
    public int BatchMax { get; set; } = PayoutBatch.PayoutsMax;

    /// <summary>
    /// The most transactions signed for one batch, the first and its replacements: a batch whose
    /// transaction is displaced (its nonce taken) after this many is failed, its holds voided.
    /// </summary>
    public int AttemptsMax { get; set; } = DefaultAttemptsMax;

    /// <summary>
    /// Fault injection for crash tests only: called at each <see cref="PayoutCrashPoint"/>. The node wires
    /// it to kill the process (<c>LEDGER_FAULT_PAYOUT_CRASH</c>); tests throw from it. Null in production.
    /// </summary>
    public Action<PayoutCrashPoint>? CrashHook { get; set; }

    public void Validate()
    {
        if (Interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "The payout interval must be positive.");
        }

        if (HoldGrace < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HoldGrace), HoldGrace, "The hold grace cannot be negative.");
        }

        if (FailedHoldSweepInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FailedHoldSweepInterval), FailedHoldSweepInterval, "The failed-hold sweep interval must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchMax);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchMax, PayoutBatch.PayoutsMax);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(AttemptsMax);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AttemptsMax, AttemptsLimit);
    }
}
