namespace Ledger.Silo.Payouts;

/// <summary>Where a recorded payout batch transaction stands on chain.</summary>
public enum PayoutCheckState
{
    /// <summary>
    /// No receipt yet and its nonce is still free, so it can still be included; or it reverted in a block
    /// that is not final yet (a reorganisation may still bring it back, to succeed).
    /// </summary>
    Pending,

    /// <summary>Succeeded in a block fewer than the finality depth deep.</summary>
    Included,

    /// <summary>Succeeded in a block at least the finality depth deep: the payouts are paid.</summary>
    Final,

    /// <summary>The recorded block left the canonical chain.</summary>
    Reorganised,

    /// <summary>No receipt, and another transaction took its nonce in a final block: it can never be included.</summary>
    Displaced,

    /// <summary>Reverted, in a block at least the finality depth deep: it paid nothing and never will.</summary>
    Failed,
}

/// <summary>A transaction's block: set for Included and Final.</summary>
public sealed record PayoutInclusion(byte[] TxHash, ulong BlockNumber, byte[] BlockHash, ulong Confirmations);

/// <summary>A check's answer; <see cref="Inclusion"/> is set for Included and Final, <see cref="Reason"/> for a revert.</summary>
public sealed record PayoutCheck(PayoutCheckState State, PayoutInclusion? Inclusion = null, string? Reason = null);
