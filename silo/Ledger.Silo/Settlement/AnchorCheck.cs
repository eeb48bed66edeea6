using Ledger.Core.Settlement;

namespace Ledger.Silo.Settlement;

/// <summary>Where a recorded anchor transaction stands on chain.</summary>
public enum AnchorCheckState
{
    /// <summary>No receipt yet; its nonce is still free, so it can still be included.</summary>
    Pending,

    /// <summary>In a block, fewer than the finality depth deep.</summary>
    Included,

    /// <summary>At least the finality depth deep.</summary>
    Final,

    /// <summary>The recorded block left the canonical chain.</summary>
    Reorganised,

    /// <summary>Included but reverted.</summary>
    Failed,

    /// <summary>No receipt, and another transaction took its nonce: it can never be included.</summary>
    Displaced,
}

/// <summary>A check's answer; <see cref="Inclusion"/> is set for Included and Final, <see cref="Reason"/> for Failed.</summary>
public sealed record AnchorCheck(AnchorCheckState State, AnchorInclusion? Inclusion = null, string? Reason = null);
