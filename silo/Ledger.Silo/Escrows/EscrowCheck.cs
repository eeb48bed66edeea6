namespace Ledger.Silo.Escrows;

/// <summary>Where an escrow's recorded transaction stands on chain.</summary>
public enum EscrowCheckState
{
    /// <summary>
    /// No receipt yet and its nonce is still free, so it can still be included; or it reverted in a block
    /// that is not final yet (a reorganisation may still put it in another block, where it could succeed).
    /// </summary>
    Pending,

    /// <summary>Succeeded in a block fewer than the finality depth deep.</summary>
    Included,

    /// <summary>Succeeded in a block at least the finality depth deep.</summary>
    Final,

    /// <summary>No receipt, and another transaction took its nonce in a final block: it can never be included.</summary>
    Displaced,

    /// <summary>Reverted in a block at least the finality depth deep: it did nothing and never will.</summary>
    Failed,
}

/// <summary>
/// A check's answer: <see cref="Block"/> is the transaction's block for Included and Final,
/// <see cref="Reason"/> the revert (Failed) or why it is still pending.
/// </summary>
public sealed record EscrowCheck(EscrowCheckState State, ulong? Block = null, string? Reason = null);
