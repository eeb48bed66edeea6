namespace Ledger.Silo.Leadership;

/// <summary>
/// One stretch of leadership. <see cref="Epoch"/> is the lease's fencing token; <see cref="Ending"/> is
/// cancelled the moment this node stops being leader (lost lease, failed renewals, shutdown), and work
/// done for the term must stop then.
/// </summary>
public sealed class LeaderTerm
{
    private readonly CancellationTokenSource ending = new();

    public LeaderTerm(long epoch) => Epoch = epoch;

    public long Epoch { get; }

    public CancellationToken Ending => ending.Token;

    public bool HasEnded => ending.IsCancellationRequested;

    // The source is never disposed: tokens of an ended term stay valid (cancelled) for whoever still holds them.
    internal void End() => ending.Cancel();
}
