namespace Ledger.Core.Fx;

/// <summary>
/// How a currency takes part in FX payments: the operator's FX liquidity account that receives it when
/// sold and pays it out when bought, the operator's fee income account in that currency, and the fee
/// charged when it is sold: max(<see cref="FeeMinimum"/>, ceil(sell amount × <see cref="FeeBps"/> / 10,000)).
/// </summary>
public sealed record FxCurrencySetup(
    uint Ledger,
    UInt128 LiquidityAccountId,
    UInt128 FeeAccountId,
    ushort FeeBps,
    UInt128 FeeMinimum,
    DateTimeOffset UpdatedAt)
{
    public const ushort FeeBpsMax = 10_000;
}
