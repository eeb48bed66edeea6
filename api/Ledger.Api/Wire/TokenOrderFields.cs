using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Core.Directory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Wire;

/// <summary>The parsed fields payout and escrow requests share: their id, the account, an amount above zero, and a currency of this ledger.</summary>
public sealed record TokenOrderFields(UInt128 Id, UInt128 AccountId, UInt128 Amount, Currency Currency)
{
    /// <summary>
    /// Who may ask for a payout or an escrow: the operator, or a bank or merchant whose KYC is verified
    /// (<paramref name="what"/> names the thing that waits for it). Null when the caller may.
    /// </summary>
    public static ProblemHttpResult? RequireVerifiedPayer(Caller caller, string what)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (Access.RequireRole(caller, ParticipantRole.Operator, ParticipantRole.Bank, ParticipantRole.Merchant) is { } denied)
        {
            return denied;
        }

        return caller.IsOperator || caller.KycStatus == KycStatus.Verified
            ? null
            : Problems.Forbidden("kyc_pending", $"The caller's KYC is pending; {what} wait until it is verified.");
    }

    /// <summary>Parses the four fields in order; the first bad one answers its problem.</summary>
    public static async ValueTask<(TokenOrderFields? Fields, ProblemHttpResult? Problem)> ParseAsync(
        string id, string accountId, string amount, string currency, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(currencies);
        if (WireFormat.ParseId(id, "id", out var parsedId) is { } badId)
        {
            return (null, badId);
        }

        if (WireFormat.ParseId(accountId, "account_id", out var parsedAccount) is { } badAccount)
        {
            return (null, badAccount);
        }

        if (!WireFormat.TryParseAmount(amount, out var parsedAmount) || parsedAmount == UInt128.Zero)
        {
            return (null, Problems.BadRequest("invalid_amount", $"amount is '{amount}'; it must be a string of decimal digits above zero, at most 2^128-1."));
        }

        if (await currencies.FindByCodeAsync(currency, cancellationToken) is not { } found)
        {
            return (null, Problems.BadRequest("invalid_currency", $"currency '{currency}' is not a currency of this ledger."));
        }

        return (new TokenOrderFields(parsedId, parsedAccount, parsedAmount, found), null);
    }
}
