namespace Ledger.Core.Payouts;

/// <summary>
/// A payout request as the API hands it over: <paramref name="Destination"/> is already parsed (20 bytes,
/// EIP-55 checked, not the zero address, not one of the operator's contracts) and the currency resolved.
/// <paramref name="Id"/> is the client's idempotency key and the id PayoutBatcher pays at most once.
/// </summary>
public sealed record PayoutRequest(UInt128 Id, UInt128 AccountId, UInt128 Amount, PayoutRail Rail, byte[] Destination);
