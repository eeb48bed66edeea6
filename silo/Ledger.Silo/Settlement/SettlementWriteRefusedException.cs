using Ledger.Core.Settlement;

namespace Ledger.Silo.Settlement;

/// <summary>
/// A fenced settlement write changed nothing: this silo no longer holds its lease epoch
/// (<see cref="SettlementWrite.NotLeader"/>), or the stored state moved under it
/// (<see cref="SettlementWrite.Conflict"/>). The round stops; the next one starts from the stored state.
/// </summary>
public sealed class SettlementWriteRefusedException(SettlementWrite outcome, string message) : Exception(message)
{
    public SettlementWrite Outcome { get; } = outcome;

    /// <summary>Returns when the write applied; throws otherwise.</summary>
    public static void ThrowUnlessApplied(SettlementWrite outcome, string what)
    {
        if (outcome != SettlementWrite.Applied)
        {
            throw new SettlementWriteRefusedException(outcome, $"{what}: {outcome}.");
        }
    }
}
