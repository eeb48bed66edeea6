using Ledger.Core.Escrows;

namespace Ledger.Silo.Tests.Escrows;

/// <summary>Two reports are the same when their block, counts and mismatches (in order) are; the check time is left out (stores keep it to their own precision).</summary>
public sealed class ReportComparer : IEqualityComparer<ReconciliationReport?>
{
    public static readonly ReportComparer Instance = new();

    public bool Equals(ReconciliationReport? x, ReconciliationReport? y) =>
        ReferenceEquals(x, y)
        || (x is not null && y is not null
            && (x.BlockNumber, x.EscrowsChecked, x.PayoutsChecked) == (y.BlockNumber, y.EscrowsChecked, y.PayoutsChecked)
            && x.Mismatches.SequenceEqual(y.Mismatches));

    public int GetHashCode(ReconciliationReport? obj) => obj is null ? 0 : HashCode.Combine(obj.BlockNumber, obj.EscrowsChecked, obj.Mismatches.Count);
}
