namespace Ledger.Core.Payouts;

/// <summary>
/// Why a payout request changed nothing (or, for the ledger's refusals, left the payout Failed with nothing
/// held). The API gives each a problem code and status.
/// </summary>
public enum PayoutError
{
    None = 0,

    /// <summary>The rail is not one this node pays out on yet (bitcoin is a later issue).</summary>
    RailNotSupported,

    /// <summary>The currency is not the one the rail pays out (USDC on the erc20 rail).</summary>
    CurrencyNotSupported,

    /// <summary>The amount is zero.</summary>
    AmountNotPositive,

    /// <summary>The amount has no exact value in the token's units (more decimals than the token, or past 128 bits).</summary>
    AmountNotRepresentable,

    AccountNotFound,

    /// <summary>The account belongs to someone else, and the caller is not the operator.</summary>
    NotAccountOwner,

    /// <summary>The account is not in the payout's currency.</summary>
    CurrencyMismatch,

    /// <summary>
    /// The account is not a merchant_payable account with debits_must_not_exceed_credits (a payout must never
    /// overdraw the account it is paid from), or it is closed.
    /// </summary>
    AccountNotPayable,

    /// <summary>The destination is on the operator's deny list.</summary>
    DestinationDenied,

    /// <summary>A payout with this id exists and was asked with something different (or by someone else).</summary>
    PayoutExists,

    /// <summary>The ledger refused the hold: the account's balance does not cover the amount (exceeds_credits). The payout is Failed.</summary>
    InsufficientFunds,

    /// <summary>The ledger refused the hold for another reason, named in <see cref="PayoutOutcome.LedgerResult"/>. The payout is Failed.</summary>
    LedgerRefused,

    /// <summary>No such payout, or not one the caller may see.</summary>
    PayoutNotFound,
}

/// <summary>
/// The outcome of a payout operation: an error, or the payout (new or as it was). <see cref="Created"/> is
/// true when this request recorded the payout. The ledger's refusals carry the payout (now Failed) and the
/// ledger's result name in <see cref="LedgerResult"/>.
/// </summary>
public sealed record PayoutOutcome(PayoutError Error, Payout? Payout, bool Created, string? LedgerResult)
{
    public static PayoutOutcome Fail(PayoutError error) => new(error, null, false, null);
}
