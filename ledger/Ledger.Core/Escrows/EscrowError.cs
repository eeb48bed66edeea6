namespace Ledger.Core.Escrows;

/// <summary>Why an escrow operation changed nothing (or, for the ledger's refusals, failed the escrow). The API gives each a problem code and status.</summary>
public enum EscrowError
{
    None = 0,

    /// <summary>The amount is zero.</summary>
    AmountNotPositive,

    /// <summary>The amount has no exact value in the token's units (more decimals than the token, or past 128 bits).</summary>
    AmountNotConvertible,

    /// <summary>The deadline is less than <see cref="EscrowProcessor.DeadlineLeadMin"/> ahead.</summary>
    DeadlineTooSoon,

    /// <summary>The deadline is more than <see cref="EscrowProcessor.DeadlineLeadMax"/> ahead.</summary>
    DeadlineTooFar,

    /// <summary>The payer, payee or arbiter is not a 20-byte address, or is the zero address.</summary>
    InvalidAddress,

    AccountNotFound,

    /// <summary>The account is not in the escrow's currency.</summary>
    CurrencyMismatch,

    NotAccountOwner,

    /// <summary>Treasury funding from an account without debits_must_not_exceed_credits: the escrow could overdraw it.</summary>
    AccountMayOverdraw,

    /// <summary>Permit funding without a permit.</summary>
    PermitRequired,

    /// <summary>Treasury funding with a permit: the treasury pays by allowance, nobody's permit is used.</summary>
    PermitNotExpected,

    /// <summary>The permit's r or s is not 32 bytes, or its deadline is out of range.</summary>
    InvalidPermit,

    /// <summary>An escrow with this id exists and was asked with something different.</summary>
    EscrowExists,

    /// <summary>The ledger refused the mirror: the account's balance does not cover the amount (exceeds_credits). The escrow is Failed.</summary>
    InsufficientFunds,

    /// <summary>The ledger refused the mirror for another reason, named in <see cref="EscrowOutcome.LedgerResult"/>. The escrow is Failed.</summary>
    LedgerRefused,

    /// <summary>No such escrow, or not one the caller may see.</summary>
    NotFound,

    /// <summary>The escrow is not Open (still opening, failed, or already on another way out).</summary>
    EscrowNotOpen,

    /// <summary>Only the operator may refund before the deadline.</summary>
    DeadlineNotPassed,
}

/// <summary>
/// The outcome of an escrow operation: an error, or the escrow (new, changed, or as it was). The ledger's
/// refusals carry the escrow (now Failed) and the ledger's result name in <see cref="LedgerResult"/>.
/// </summary>
public sealed record EscrowOutcome(EscrowError Error, Escrow? Escrow, bool Created, string? LedgerResult)
{
    public static EscrowOutcome Fail(EscrowError error) => new(error, null, false, null);
}
