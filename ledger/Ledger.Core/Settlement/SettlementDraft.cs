namespace Ledger.Core.Settlement;

/// <summary>
/// A settlement batch about to be closed. The store accepts it only as the next in line: <see cref="Seq"/>
/// one past the last, <see cref="FirstLogIndex"/> equal to the last batch's tree size (0 for the first),
/// and <see cref="TreeSize"/> larger than that and within the log.
/// </summary>
public sealed record SettlementDraft(
    ulong Seq,
    ulong FirstLogIndex,
    ulong TreeSize,
    byte[] Root,
    DateTimeOffset ClosedAt,
    IReadOnlyList<NetPosition> NetPositions)
{
    public const int RootLength = 32;

    /// <summary>Throws for a draft no store could accept whatever its state; a store checks the rest.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfZero(Seq);
        ArgumentNullException.ThrowIfNull(Root);
        ArgumentNullException.ThrowIfNull(NetPositions);
        if (TreeSize <= FirstLogIndex)
        {
            throw new ArgumentException($"A settlement batch covers at least one transfer; [{FirstLogIndex}, {TreeSize}) is empty.");
        }

        if (TreeSize - FirstLogIndex > SettlementLimits.TransfersPerSettlementMax)
        {
            throw new ArgumentException($"A settlement batch covers at most {SettlementLimits.TransfersPerSettlementMax} transfers.");
        }

        if (Root.Length != RootLength)
        {
            throw new ArgumentException($"A tree root is {RootLength} bytes, not {Root.Length}.");
        }

        NetPositionBook.AssertBalanced(NetPositions);
    }
}
