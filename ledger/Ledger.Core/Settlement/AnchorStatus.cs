namespace Ledger.Core.Settlement;

/// <summary>
/// Where a settlement's tree head stands on chain. The numbers are stored; they only ever move forward,
/// except that a reorganisation takes an anchored head back to submitted (never a final one).
/// </summary>
public enum AnchorStatus
{
    /// <summary>Closed; no anchor transaction is signed yet (or no chain is configured).</summary>
    Pending = 0,

    /// <summary>An anchor transaction is signed and recorded; it may or may not have reached the node.</summary>
    Submitted = 1,

    /// <summary>The anchor transaction is in a block of the canonical chain, fewer than the finality depth deep.</summary>
    Anchored = 2,

    /// <summary>The anchor transaction is at least the finality depth deep.</summary>
    Final = 3,
}
