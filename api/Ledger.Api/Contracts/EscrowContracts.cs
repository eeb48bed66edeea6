using System.ComponentModel;
using Ledger.Api.Wire;

namespace Ledger.Api.Contracts;

/// <summary>The body of POST /v1/escrows.</summary>
public sealed record CreateEscrowBody
{
    [WireError("invalid_id")]
    [Description("The escrow's id, chosen by the client (an order id, say); the idempotency key, and the escrow's id on chain.")]
    public required string Id { get; init; }

    [WireError("invalid_funding")]
    [Description("treasury: the operator's treasury pays into the escrow on a bank's behalf, and the bank's account is held in the ledger. permit: an outside wallet pays into the escrow with its EIP-2612 permit; the treasury is the payee on chain and account_id is credited on release.")]
    public required string Funding { get; init; }

    [WireError("invalid_id")]
    [Description("treasury: the bank's account the amount is held from (flag debits_must_not_exceed_credits). permit: the account credited on release (the merchant's).")]
    public required string AccountId { get; init; }

    [WireError("invalid_amount")]
    [Description("Minor units of currency, as a decimal integer string.")]
    public required string Amount { get; init; }

    [WireError("invalid_currency")]
    [Description("USDC.")]
    public required string Currency { get; init; }

    [WireError("invalid_deadline")]
    [Description("RFC 3339 with an offset, kept to the second below: after it anyone may refund on chain; before it only the arbiter (the operator).")]
    public required string Deadline { get; init; }

    [WireError("invalid_payee")]
    [Description("treasury funding only: the address released funds go to, EIP-55 checksummed.")]
    public string? Payee { get; init; }

    [WireError("invalid_permit")]
    [Description("permit funding only: the payer's EIP-2612 permit for exactly the amount in token units, spender the escrow contract.")]
    public EscrowPermitBody? Permit { get; init; }
}

/// <summary>An EIP-2612 permit as the paying wallet signed it.</summary>
public sealed record EscrowPermitBody
{
    [WireError("invalid_payer")]
    [Description("The paying wallet (the permit's owner), EIP-55 checksummed.")]
    public required string Payer { get; init; }

    [WireError("invalid_permit")]
    [Description("The permit's deadline, unix seconds.")]
    public required ulong Deadline { get; init; }

    [WireError("invalid_permit")]
    [Description("27 or 28.")]
    public required byte V { get; init; }

    [WireError("invalid_permit")]
    [Description("0x and 64 hex digits.")]
    public required string R { get; init; }

    [WireError("invalid_permit")]
    [Description("0x and 64 hex digits.")]
    public required string S { get; init; }
}

public sealed record EscrowResponse(
    string Id,
    [property: Description("opening (recorded and held; the open is on its way to the chain), open, releasing, refunding, released, refunded, or failed (never opened; nothing held).")] string Status,
    [property: Description("Why it failed, or why the last release or refund reverted, as a code.")] string? FailureReason,
    [property: Description("treasury or permit.")] string Funding,
    string AccountId,
    [property: Description("The operator's escrow account of the currency: the other side of the mirror.")] string EscrowAccountId,
    string Amount,
    string Currency,
    [property: Description("The amount in the token's smallest units.")] string TokenAmount,
    [property: Description("EIP-55.")] string Payer,
    [property: Description("EIP-55.")] string Payee,
    [property: Description("EIP-55; the treasury.")] string Arbiter,
    [property: Description("RFC 3339, UTC.")] string Deadline,
    [property: Description("The pending transfer that mirrors the escrow in the ledger: posted on release, voided on refund.")] string MirrorTransferId,
    [property: Description("The last transaction signed for the current step (open, release or refund).")] string? TxHash,
    ulong? OpenedBlock,
    ulong? ClosedBlock,
    string? ClosedTxHash,
    [property: Description("RFC 3339, UTC.")] string CreatedAt,
    [property: Description("RFC 3339, UTC.")] string UpdatedAt);

public sealed record EscrowsResponse(IReadOnlyList<EscrowResponse> Escrows);

public sealed record ReconciliationMismatchResponse(
    [property: Description("escrow, payout or treasury.")] string Subject,
    string? Id,
    [property: Description("A snake_case name such as state_differs or amount_differs.")] string Kind,
    string Detail);

public sealed record ReconciliationResponse(
    [property: Description("RFC 3339, UTC.")] string CheckedAt,
    [property: Description("The chain block the report compares against.")] ulong BlockNumber,
    int EscrowsChecked,
    int PayoutsChecked,
    [property: Description("True when no mismatch was found.")] bool Consistent,
    IReadOnlyList<ReconciliationMismatchResponse> Mismatches);
