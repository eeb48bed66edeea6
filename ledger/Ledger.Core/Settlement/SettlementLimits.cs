namespace Ledger.Core.Settlement;

/// <summary>Every limit of settlement, named once.</summary>
public static class SettlementLimits
{
    /// <summary>
    /// The most transfers one batch covers. A cutoff after a long pause closes several batches in a row;
    /// this keeps each batch's netting pass and its positions bounded.
    /// </summary>
    public const ulong TransfersPerSettlementMax = 1_000_000;

    /// <summary>The most settlements one listing returns.</summary>
    public const int SettlementsPageMax = 1000;

    /// <summary>The most transfers one page of <c>GetOwnedTransfersAsync</c> returns.</summary>
    public const int OwnedTransfersPageMax = 8189;

    /// <summary>
    /// The most net positions one batch may hold: two per transfer at most, so this is never reached
    /// below <see cref="TransfersPerSettlementMax"/>; it bounds what a store reads back for one batch.
    /// </summary>
    public const int NetPositionsPerSettlementMax = 2 * (int)TransfersPerSettlementMax;
}
