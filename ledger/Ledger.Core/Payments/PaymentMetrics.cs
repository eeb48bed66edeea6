namespace Ledger.Core.Payments;

/// <summary>What this node's <see cref="PaymentProcessor"/> has done since it started, for /metrics.</summary>
public sealed class PaymentMetrics
{
    private long quotes;
    private long accepted;
    private long held;
    private long rejectedByRisk;
    private long rejectedByLedger;
    private long released;
    private long rejectedByOperator;
    private long refunds;
    private long resumed;

    public long Quotes => Interlocked.Read(ref quotes);

    /// <summary>New payments whose risk verdict was accept.</summary>
    public long Accepted => Interlocked.Read(ref accepted);

    /// <summary>New payments held for review.</summary>
    public long Held => Interlocked.Read(ref held);

    /// <summary>New payments a risk rule rejected.</summary>
    public long RejectedByRisk => Interlocked.Read(ref rejectedByRisk);

    /// <summary>Payments (or holds) the ledger refused: insufficient funds or FX liquidity.</summary>
    public long RejectedByLedger => Interlocked.Read(ref rejectedByLedger);

    public long Released => Interlocked.Read(ref released);

    public long RejectedByOperator => Interlocked.Read(ref rejectedByOperator);

    /// <summary>Refunds whose legs this node committed.</summary>
    public long Refunds => Interlocked.Read(ref refunds);

    /// <summary>Payments and refunds finished after a crash left them unfinished.</summary>
    public long Resumed => Interlocked.Read(ref resumed);

    internal void Quoted() => Interlocked.Increment(ref quotes);

    internal void Created(Risk.RiskOutcome outcome)
    {
        switch (outcome)
        {
            case Risk.RiskOutcome.Accept:
                Interlocked.Increment(ref accepted);
                break;
            case Risk.RiskOutcome.Hold:
                Interlocked.Increment(ref held);
                break;
            default:
                Interlocked.Increment(ref rejectedByRisk);
                break;
        }
    }

    internal void LedgerRefused() => Interlocked.Increment(ref rejectedByLedger);

    internal void Reviewed(OperatorAction action) => Interlocked.Increment(ref action == OperatorAction.Release ? ref released : ref rejectedByOperator);

    internal void Refunded() => Interlocked.Increment(ref refunds);

    internal void Resume(int count) => Interlocked.Add(ref resumed, count);
}
