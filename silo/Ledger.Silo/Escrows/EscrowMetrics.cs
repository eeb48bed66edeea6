namespace Ledger.Silo.Escrows;

/// <summary>
/// Counters of the escrow pipeline and the reconciler since the process started, for <c>/metrics</c>.
/// One singleton per process, read as a consistent-enough snapshot.
/// </summary>
public sealed class EscrowMetrics
{
    private long escrowsOpened;
    private long escrowsReleased;
    private long escrowsRefunded;
    private long escrowsFailed;
    private long eventsNotApplied;
    private long reconciliationRuns;
    private long lastMismatches;

    public EscrowMetricsSnapshot Snapshot() => new(
        Interlocked.Read(ref escrowsOpened),
        Interlocked.Read(ref escrowsReleased),
        Interlocked.Read(ref escrowsRefunded),
        Interlocked.Read(ref escrowsFailed),
        Interlocked.Read(ref eventsNotApplied),
        Interlocked.Read(ref reconciliationRuns),
        Interlocked.Read(ref lastMismatches));

    internal void Opened() => Interlocked.Increment(ref escrowsOpened);

    internal void Released() => Interlocked.Increment(ref escrowsReleased);

    internal void Refunded() => Interlocked.Increment(ref escrowsRefunded);

    internal void Failed() => Interlocked.Increment(ref escrowsFailed);

    internal void EventNotApplied() => Interlocked.Increment(ref eventsNotApplied);

    internal void Reconciled(int mismatches)
    {
        Interlocked.Increment(ref reconciliationRuns);
        Interlocked.Exchange(ref lastMismatches, mismatches);
    }
}

/// <summary>
/// The escrow counters at one moment. <see cref="EventsNotApplied"/> counts events of our escrows left
/// alone because their fields disagree with the record; <see cref="LastReconciliationMismatches"/> is the
/// number of mismatches in the last report this process recorded.
/// </summary>
public sealed record EscrowMetricsSnapshot(
    long EscrowsOpened,
    long EscrowsReleased,
    long EscrowsRefunded,
    long EscrowsFailed,
    long EventsNotApplied,
    long ReconciliationRuns,
    long LastReconciliationMismatches);
