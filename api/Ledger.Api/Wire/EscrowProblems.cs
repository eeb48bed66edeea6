using Ledger.Core.Escrows;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Wire;

/// <summary>The problem (status, code, sentence) for each reason an escrow operation changed nothing or was refused by the ledger.</summary>
public static class EscrowProblems
{
    public static ProblemHttpResult For(EscrowError error, string? ledgerResult = null) => error switch
    {
        EscrowError.AmountNotPositive => Problems.BadRequest("invalid_amount", "amount must be above zero."),
        EscrowError.AmountNotConvertible => Problems.Unprocessable("amount_not_representable", "The amount has no exact value in the token's units."),
        EscrowError.DeadlineTooSoon => Problems.BadRequest("deadline_too_soon", "The deadline is too close: the open must be final on chain well before anyone may refund."),
        EscrowError.DeadlineTooFar => Problems.BadRequest("deadline_too_far", $"The deadline is more than {EscrowProcessor.DeadlineLeadMax.TotalDays:0} days ahead."),
        EscrowError.InvalidAddress => Problems.BadRequest("invalid_address", "The payer, payee or arbiter is not a usable address."),
        EscrowError.AccountNotFound => Problems.Unprocessable("account_not_found", "There is no account with account_id."),
        EscrowError.CurrencyMismatch => Problems.Unprocessable("currency_mismatch", "The account is not in the escrow's currency."),
        EscrowError.NotAccountOwner => Problems.Forbidden("forbidden", "The caller does not own the account."),
        EscrowError.AccountMayOverdraw => Problems.Unprocessable("account_may_overdraw", "A treasury-funded escrow locks funds of an account with the flag debits_must_not_exceed_credits only."),
        EscrowError.PermitRequired => Problems.BadRequest("permit_required", "funding permit needs a permit: {payer, deadline, v, r, s}."),
        EscrowError.PermitNotExpected => Problems.BadRequest("permit_not_expected", "funding treasury takes no permit."),
        EscrowError.InvalidPermit => Problems.BadRequest("invalid_permit", "The permit is malformed or past its deadline."),
        EscrowError.EscrowExists => Problems.Conflict("escrow_exists", "An escrow with this id exists with different fields."),
        EscrowError.InsufficientFunds => Problems.Unprocessable("insufficient_funds", "The account's balance does not cover the amount (exceeds_credits); nothing is held and the escrow is failed."),
        EscrowError.LedgerRefused => Problems.Unprocessable("ledger_refused", $"The ledger refused the mirror ({ledgerResult ?? "unknown"}); nothing is held and the escrow is failed."),
        EscrowError.NotFound => Problems.NotFound("There is no such escrow the caller may see."),
        EscrowError.EscrowNotOpen => Problems.Conflict("escrow_not_open", "The escrow is not open: it is still opening, has failed, or is on another way out."),
        EscrowError.DeadlineNotPassed => Problems.Conflict("deadline_not_passed", "Before the deadline only the operator (the arbiter) may refund."),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "No problem for this error."),
    };
}
