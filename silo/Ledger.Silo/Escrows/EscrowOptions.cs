namespace Ledger.Silo.Escrows;

/// <summary>The steps of an escrow's transaction at which a crash test may kill the node (<see cref="EscrowOptions.CrashHook"/>).</summary>
public enum EscrowCrashPoint
{
    /// <summary>The signed transaction is recorded; nothing is sent.</summary>
    AfterSigned,

    /// <summary>The transaction is sent.</summary>
    AfterSent,

    /// <summary>The chain's outcome is known (an event to apply); the mirror is not posted or voided yet.</summary>
    BeforeResolve,
}

/// <summary>How the escrow pipeline and the reconciler pace and bound themselves.</summary>
public sealed class EscrowOptions
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan DefaultMirrorGrace = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultReconcileInterval = TimeSpan.FromSeconds(10);

    public const int DefaultAttemptsMax = 5;

    /// <summary>The most transactions one step may be signed with; a bound on a loop of displacements.</summary>
    public const int AttemptsLimit = 100;

    /// <summary>How often the leader moves escrows on and reads the contract's events.</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>
    /// How long an Opening escrow whose mirror is missing is left to the request that recorded it (which
    /// commits the mirror right after); past it, the silo commits the mirror itself.
    /// </summary>
    public TimeSpan MirrorGrace { get; set; } = DefaultMirrorGrace;

    /// <summary>
    /// The most transactions signed for one step (an open, a release, a refund), the first and its
    /// replacements: a step whose transaction is displaced after this many is given up (an open fails,
    /// a release or refund goes back to Open).
    /// </summary>
    public int AttemptsMax { get; set; } = DefaultAttemptsMax;

    /// <summary>How often the leader reconciles escrows, payouts and the treasury with the chain.</summary>
    public TimeSpan ReconcileInterval { get; set; } = DefaultReconcileInterval;

    /// <summary>Fault injection for crash tests only: called at each <see cref="EscrowCrashPoint"/>. Null in production.</summary>
    public Action<EscrowCrashPoint>? CrashHook { get; set; }

    public void Validate()
    {
        if (Interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "The escrow interval must be positive.");
        }

        if (MirrorGrace < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MirrorGrace), MirrorGrace, "The mirror grace cannot be negative.");
        }

        if (ReconcileInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconcileInterval), ReconcileInterval, "The reconcile interval must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(AttemptsMax);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AttemptsMax, AttemptsLimit);
    }
}
