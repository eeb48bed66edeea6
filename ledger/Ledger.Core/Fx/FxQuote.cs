namespace Ledger.Core.Fx;

/// <summary>
/// A locked rate: selling <see cref="SellAmount"/> buys <see cref="BuyAmount"/> (both in minor units),
/// plus <see cref="FeeAmount"/> in the sell currency, until <see cref="ExpiresAt"/>. The all-in rate is
/// the exact fraction <see cref="RateNumerator"/> / <see cref="RateDenominator"/> (buy major units per
/// sell major unit, spread included). <see cref="MidRate"/> and <see cref="Inverted"/> say where it came
/// from: the pair's entry, used as is or reversed. A quote is used by at most one payment.
/// </summary>
public sealed record FxQuote(
    UInt128 Id,
    UInt128 ParticipantId,
    uint SellLedger,
    uint BuyLedger,
    UInt128 SellAmount,
    UInt128 BuyAmount,
    UInt128 FeeAmount,
    FxDecimal MidRate,
    bool Inverted,
    ushort SpreadBps,
    UInt128 RateNumerator,
    UInt128 RateDenominator,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);
