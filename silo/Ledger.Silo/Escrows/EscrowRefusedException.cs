namespace Ledger.Silo.Escrows;

/// <summary>Why the chain refuses an escrow's transaction (found at the gas estimate, before anything was signed).</summary>
public enum EscrowRefusal
{
    /// <summary>The contract or the token refused for a reason not named below, or the gas is above the cap: wait.</summary>
    Other,

    /// <summary>The open's id is used on chain (opened before, by this node or anyone).</summary>
    IdUsed,

    /// <summary>The open can never succeed as recorded: the permit failed, the deadline passed, the payer lacks the tokens, a zero field.</summary>
    Unopenable,

    /// <summary>The treasury's balance does not cover a treasury-funded open: wait, or fund it.</summary>
    Unfunded,

    /// <summary>The release or refund is not this key's to send (not the arbiter; before the deadline, not refundable).</summary>
    NotAllowed,

    /// <summary>The release or refund finds the escrow not open on chain (never opened, or released or refunded already).</summary>
    NotOpen,
}

/// <summary>The chain refuses an escrow's transaction; nothing was signed or sent.</summary>
public sealed class EscrowRefusedException(string message, EscrowRefusal refusal, string? errorName, Exception? inner = null) : Exception(message, inner)
{
    public EscrowRefusal Refusal { get; } = refusal;

    /// <summary>The custom error the contract or token reverted with, when it could be decoded.</summary>
    public string? ErrorName { get; } = errorName;

    /// <summary>What the escrow's record says: the error's name, or the refusal.</summary>
    public string Reason => $"refused: {ErrorName ?? Refusal.ToString()}";
}
