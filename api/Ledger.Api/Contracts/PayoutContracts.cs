using System.ComponentModel;
using Ledger.Api.Wire;
using Ledger.Core.Payouts;

namespace Ledger.Api.Contracts;

/// <summary>The body of PUT /v1/payouts/deny-list/{address}.</summary>
public sealed record DenyAddressBody
{
    [WireError("invalid_reason")]
    [Description("Why the address is denied (a sanctions list entry, say), 1 to 500 characters.")]
    public required string Reason { get; init; }
}

public sealed record DeniedAddressResponse(
    [property: Description("EIP-55 checksummed.")] string Address,
    string Reason,
    [property: Description("api, or file:<name> for entries loaded from LEDGER_DENY_LIST.")] string Source,
    [property: Description("RFC 3339, UTC.")] string AddedAt)
{
    public static DeniedAddressResponse From(DeniedAddress entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new DeniedAddressResponse(Ledger.Chain.Abi.Address.FromBytes(entry.Address).ToString(), entry.Reason, entry.Source, WireFormat.Timestamp(entry.AddedAt));
    }
}

public sealed record DenyListResponse(IReadOnlyList<DeniedAddressResponse> Addresses);

/// <summary>The body of POST /v1/payouts.</summary>
public sealed record CreatePayoutBody
{
    [WireError("invalid_id")]
    [Description("The payout's id, chosen by the client; it is the idempotency key, and the id the PayoutBatcher contract pays at most once.")]
    public required string Id { get; init; }

    [WireError("invalid_id")]
    [Description("The merchant_payable account paid out from (flag debits_must_not_exceed_credits), in the rail's currency.")]
    public required string AccountId { get; init; }

    [WireError("invalid_amount")]
    [Description("Minor units of currency, as a decimal integer string.")]
    public required string Amount { get; init; }

    [WireError("invalid_currency")]
    [Description("USDC on the erc20 rail.")]
    public required string Currency { get; init; }

    [WireError("invalid_rail")]
    [Description("erc20 (bitcoin comes later).")]
    public required string Rail { get; init; }

    [WireError("invalid_destination")]
    [Description("The address paid, in its EIP-55 checksummed form.")]
    public required string Destination { get; init; }
}

public sealed record PayoutResponse(
    string Id,
    [property: Description("pending (held, waiting for a batch), submitted (in a signed batch transaction), confirmed (final on chain; the hold is posted) or failed (funds returned).")] string Status,
    [property: Description("Why it failed, as a code: a ledger result such as exceeds_credits, or the batch's failure.")] string? FailureReason,
    string AccountId,
    string Amount,
    string Currency,
    string Rail,
    [property: Description("EIP-55 checksummed.")] string Destination,
    [property: Description("The amount in the token's smallest units.")] string TokenAmount,
    [property: Description("The pending transfer holding the amount: account → the operator's payout clearing account.")] string HoldTransferId,
    string ClearingAccountId,
    [property: Description("The payout batch it went out in.")] ulong? BatchSeq,
    [property: Description("The batch's PayoutBatcher.pay transaction, once signed.")] string? TxHash,
    ulong? BlockNumber,
    [property: Description("Blocks on top of the transaction's, counting its own; null until it is in a block (or when the node cannot read the chain).")] ulong? Confirmations,
    [property: Description("RFC 3339, UTC.")] string CreatedAt,
    [property: Description("RFC 3339, UTC.")] string UpdatedAt);

public sealed record PayoutsResponse(IReadOnlyList<PayoutResponse> Payouts);
