namespace Ledger.Core.Payouts;

/// <summary>The rails a payout can go out on (API.md): a token on Ethereum, or bitcoin (a later issue).</summary>
public enum PayoutRail : byte
{
    Erc20 = 1,
    Bitcoin = 2,
}

/// <summary>
/// A payout's life (API.md): <c>pending</c> (the amount is held by a pending transfer from the merchant's
/// account to payout clearing, waiting for a batch) → <c>submitted</c> (in a batch whose transaction is
/// signed and recorded) → <c>confirmed</c> (the batch is final on chain; the hold is posted), or
/// <c>failed</c> (the batch reverted or was dropped; the hold is voided and the funds are back).
/// </summary>
public enum PayoutStatus : byte
{
    Pending = 0,
    Submitted = 1,
    Confirmed = 2,
    Failed = 3,
}

/// <summary>
/// A payout as recorded. <see cref="HoldTransferId"/> is the pending ledger transfer (account → clearing)
/// that holds <see cref="Amount"/>; <see cref="TokenAmount"/> is the same value in the token's units;
/// <see cref="Destination"/> is the 20-byte address on the rail. <see cref="BatchSeq"/> is set from
/// Submitted on.
/// </summary>
public sealed record Payout(
    UInt128 Id,
    UInt128 ParticipantId,
    UInt128 AccountId,
    UInt128 ClearingAccountId,
    uint Ledger,
    UInt128 Amount,
    UInt128 TokenAmount,
    PayoutRail Rail,
    byte[] Destination,
    UInt128 HoldTransferId,
    PayoutStatus Status,
    ulong? BatchSeq,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
