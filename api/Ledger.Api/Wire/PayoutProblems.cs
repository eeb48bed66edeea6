using Ledger.Core.Payouts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Wire;

/// <summary>The problem (status, code, sentence) for each reason a payout request changed nothing or was refused by the ledger.</summary>
public static class PayoutProblems
{
    public static ProblemHttpResult For(PayoutError error, string? ledgerResult = null) => error switch
    {
        PayoutError.RailNotSupported => Problems.Unprocessable("rail_not_supported", "This node pays out on the erc20 rail only; bitcoin payouts come later."),
        PayoutError.CurrencyNotSupported => Problems.Unprocessable("currency_not_supported", "The erc20 rail pays out USDC only."),
        PayoutError.AmountNotPositive => Problems.BadRequest("invalid_amount", "amount must be above zero."),
        PayoutError.AmountNotRepresentable => Problems.Unprocessable("amount_not_representable", "The amount has no exact value in the token's units."),
        PayoutError.AccountNotFound => Problems.Unprocessable("account_not_found", "There is no account with account_id."),
        PayoutError.NotAccountOwner => Problems.Forbidden("forbidden", "The caller does not own the account paid out from."),
        PayoutError.CurrencyMismatch => Problems.Unprocessable("currency_mismatch", "The account is not in the payout's currency."),
        PayoutError.AccountNotPayable => Problems.Unprocessable("account_not_payable", "Payouts are paid from open merchant_payable accounts with the flag debits_must_not_exceed_credits only."),
        PayoutError.DestinationDenied => Problems.Unprocessable("destination_denied", "The destination is on the operator's deny list."),
        PayoutError.PayoutExists => Problems.Conflict("payout_exists", "A payout with this id exists with different fields."),
        PayoutError.InsufficientFunds => Problems.Unprocessable("insufficient_funds", "The account's balance does not cover the amount (exceeds_credits); nothing is held and the payout is failed. Paying out later takes a new id."),
        PayoutError.LedgerRefused => Problems.Unprocessable("ledger_refused", $"The ledger refused the hold ({ledgerResult ?? "unknown"}); nothing is held and the payout is failed."),
        PayoutError.PayoutNotFound => Problems.NotFound("There is no such payout the caller may see."),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "No problem for this error."),
    };
}
