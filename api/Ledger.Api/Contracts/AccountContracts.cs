using System.ComponentModel;
using Ledger.Api.Wire;

namespace Ledger.Api.Contracts;

/// <summary>The body of POST /v1/accounts.</summary>
public sealed record CreateAccountBody
{
    [WireError("invalid_id")]
    [Description("The account's id, a UUID the client chooses; the idempotency key.")]
    public required string Id { get; init; }

    [WireError("invalid_id")]
    [Description("The participant that owns the account.")]
    public required string OwnerId { get; init; }

    [WireError("invalid_currency")]
    [Description("A currency code from GET /v1/currencies; it picks the account's ledger.")]
    public required string Currency { get; init; }

    [WireError("invalid_account_code")]
    [Description("The account's kind.")]
    public required AccountCode Code { get; init; }

    [WireError("invalid_flags")]
    [Description("Balance limits and history; closed cannot be asked for.")]
    public IReadOnlyList<AccountFlagName>? Flags { get; init; }
}

/// <summary>An account with its four balances, amounts as decimal strings in minor units.</summary>
public sealed record AccountResponse(
    string Id,
    string OwnerId,
    [property: Description("The currency code, or the ledger number when no currency names it.")] string Currency,
    [property: Description("The account kind's name, or its number when the API has no name for it.")] string Code,
    IReadOnlyList<AccountFlagName> Flags,
    string DebitsPending,
    string DebitsPosted,
    string CreditsPending,
    string CreditsPosted,
    [property: Description("When the account was created, RFC 3339 UTC.")] string Timestamp,
    [property: Description("The same instant in nanoseconds since the Unix epoch.")] string TimestampNs);

/// <summary>An account's balances right after one of its transfers (accounts with the history flag).</summary>
public sealed record AccountBalanceResponse(
    string Timestamp,
    string TimestampNs,
    string DebitsPending,
    string DebitsPosted,
    string CreditsPending,
    string CreditsPosted);

public sealed record AccountTransfersResponse(
    IReadOnlyList<TransferResponse> Transfers,
    [property: Description("The timestamp_ns to pass as after= for the next page, or null on the last page.")] string? Next);

public sealed record AccountBalancesResponse(
    IReadOnlyList<AccountBalanceResponse> Balances,
    [property: Description("The timestamp_ns to pass as after= for the next page, or null on the last page.")] string? Next);
