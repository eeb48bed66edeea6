namespace Ledger.Core.Fx;

/// <summary>
/// The operator's mid rate for a pair: one unit of the base currency (major units) is worth
/// <see cref="Rate"/> units of the quote currency. The same entry prices the reverse direction at
/// 1 / <see cref="Rate"/>. The spread, in basis points, is taken off every conversion in the operator's favour.
/// </summary>
public sealed record FxRateEntry(uint BaseLedger, uint QuoteLedger, FxDecimal Rate, ushort SpreadBps, DateTimeOffset UpdatedAt)
{
    /// <summary>A spread below 100% (10,000 basis points).</summary>
    public const ushort SpreadBpsMax = 9_999;
}
