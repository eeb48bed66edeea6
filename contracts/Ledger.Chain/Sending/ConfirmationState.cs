namespace Ledger.Chain.Sending;

/// <summary>Where a sent transaction stands, as the chain shows it now.</summary>
public enum ConfirmationState
{
    /// <summary>No receipt yet: in the pool, or not yet seen.</summary>
    Pending,

    /// <summary>In a block, with fewer confirmations than the finality depth.</summary>
    Included,

    /// <summary>In a block at least the finality depth deep.</summary>
    Final,

    /// <summary>The block it was in left the canonical chain: its receipt is gone or names another block.</summary>
    Reorganised,

    /// <summary>Included, but execution reverted.</summary>
    Failed,
}
