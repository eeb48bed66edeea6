namespace Ledger.Core.Payouts;

/// <summary>
/// What this node's <see cref="PayoutProcessor"/> has done with payout requests since it started, for
/// /metrics. Every request that returns is counted once in <see cref="Requested"/> and once in exactly one
/// of the other four, so they add up.
/// </summary>
/// <remarks>
/// Named apart from the silo's pipeline counters (<c>Ledger.Silo.Payouts.PayoutMetrics</c>): code that
/// imports both namespaces must not find two types of one name.
/// </remarks>
public sealed class PayoutRequestMetrics
{
    private long requested;
    private long created;
    private long refusedByRule;
    private long refusedByLedger;
    private long replays;

    /// <summary>Requests to create a payout.</summary>
    public long Requested => Interlocked.Read(ref requested);

    /// <summary>Payouts this node recorded and held (or found held by the silo).</summary>
    public long Created => Interlocked.Read(ref created);

    /// <summary>Requests refused before anything was recorded: a check failed, or the id was taken by a different request.</summary>
    public long RefusedByRule => Interlocked.Read(ref refusedByRule);

    /// <summary>Payouts this node recorded whose hold the ledger refused: they are Failed with nothing held.</summary>
    public long RefusedByLedger => Interlocked.Read(ref refusedByLedger);

    /// <summary>Repeats of a recorded request, answered with the stored payout.</summary>
    public long Replays => Interlocked.Read(ref replays);

    public PayoutRequestMetricsSnapshot Snapshot() => new(Requested, Created, RefusedByRule, RefusedByLedger, Replays);

    internal void Request() => Interlocked.Increment(ref requested);

    internal void Create() => Interlocked.Increment(ref created);

    internal void RefuseByRule() => Interlocked.Increment(ref refusedByRule);

    internal void RefuseByLedger() => Interlocked.Increment(ref refusedByLedger);

    internal void Replay() => Interlocked.Increment(ref replays);
}

/// <summary>The payout request counters at one moment (each read on its own: consistent enough for /metrics).</summary>
public sealed record PayoutRequestMetricsSnapshot(long Requested, long Created, long RefusedByRule, long RefusedByLedger, long Replays);
