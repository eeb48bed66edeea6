using System.ComponentModel;
using System.Text.Json.Serialization;
using Ledger.Api.Wire;
using Ledger.Core.Domain;

namespace Ledger.Api.Contracts;

/// <summary>The body of POST /v1/transfers: 1 to 8,189 events, committed in order.</summary>
public sealed record CreateTransfersBody
{
    [WireError("invalid_field")]
    public required IReadOnlyList<TransferBody> Transfers { get; init; }
}

/// <summary>One transfer event.</summary>
public sealed record TransferBody
{
    [WireError("invalid_id")]
    [Description("The transfer's id, a UUID the client chooses; the idempotency key.")]
    public required string Id { get; init; }

    [WireError("invalid_id")]
    [Description("Required, except for post_pending and void_pending.")]
    public string? DebitAccountId { get; init; }

    [WireError("invalid_id")]
    [Description("Required, except for post_pending and void_pending.")]
    public string? CreditAccountId { get; init; }

    [WireError("invalid_amount")]
    [Description("Decimal digits in minor units, up to 2^128-1. May be omitted for post_pending and void_pending (the whole pending amount) and for balancing transfers (as much as possible).")]
    public string? Amount { get; init; }

    [WireError("invalid_currency")]
    [Description("A currency code. Required, except for post_pending and void_pending.")]
    public string? Currency { get; init; }

    [WireError("invalid_code")]
    [Description("The transfer's kind, 1 to 65535. Required, except for post_pending and void_pending.")]
    public int? Code { get; init; }

    [WireError("invalid_flags")]
    public IReadOnlyList<TransferFlagName>? Flags { get; init; }

    [WireError("invalid_id")]
    [Description("The pending transfer that post_pending or void_pending resolves.")]
    public string? PendingId { get; init; }

    [WireError("invalid_timeout")]
    [Description("For pending transfers: seconds until the hold expires; 0 or omitted for never.")]
    public uint? TimeoutSeconds { get; init; }

    [WireError("invalid_id")]
    [Description("An optional UUID of the client's own, kept with the transfer (its user_data_128).")]
    public string? Reference { get; init; }

    [WireError("invalid_user_data")]
    [JsonPropertyName("user_data_64")]
    [Description("An optional unsigned 64-bit integer, as decimal digits.")]
    public string? UserData64 { get; init; }

    [WireError("invalid_user_data")]
    [JsonPropertyName("user_data_32")]
    [Description("An optional unsigned 32-bit integer.")]
    public uint? UserData32 { get; init; }
}

public sealed record CreateTransfersResponse(IReadOnlyList<TransferResultResponse> Results);

/// <summary>The result of one event.</summary>
public sealed record TransferResultResponse(
    int Index,
    string Id,
    [property: Description("created, exists, or a failure code such as exceeds_credits.")] string Status,
    [property: Description("The commit timestamp for created and exists; null for a failure, which commits nothing.")] string? TimestampNs);

/// <summary>A committed transfer.</summary>
public sealed record TransferResponse(
    string Id,
    string DebitAccountId,
    string CreditAccountId,
    string Amount,
    [property: Description("The currency code, or the ledger number when no currency names it.")] string Currency,
    int Code,
    IReadOnlyList<TransferFlagName> Flags,
    string? PendingId,
    uint TimeoutSeconds,
    string? Reference,
    [property: JsonPropertyName("user_data_64")] string UserData64,
    [property: JsonPropertyName("user_data_32")] uint UserData32,
    string Timestamp,
    string TimestampNs,
    [property: Description("The transfer's index in the append-only log.")] ulong LogIndex,
    [property: Description("The settlement batch that holds the transfer; null until its batch closes.")] ulong? SettlementSeq,
    [property: Description("For pending transfers: pending, posted, voided or expired; null otherwise.")] PendingStatus? Status,
    [property: Description("For pending transfers with a timeout: when the hold expires, RFC 3339 UTC.")] string? ExpiresAt);
