namespace Ledger.Core.Directory;

/// <summary>A currency and the ledger that holds it. Amounts are integers in 10^-scale units.</summary>
public sealed record Currency(string Code, uint Ledger, byte Scale)
{
    /// <summary>The currencies every node starts with: ISO 4217 numeric codes as ledgers, plus USDC.</summary>
    public static readonly IReadOnlyList<Currency> Defaults =
    [
        new("USD", 840, 2),
        new("EUR", 978, 2),
        new("GBP", 826, 2),
        new("JPY", 392, 0),
        new("CNY", 156, 2),
        new("HKD", 344, 2),
        new("SGD", 702, 2),
        new("AED", 784, 2),
        new("INR", 356, 2),
        new("USDC", 1_000_001, 6),
    ];

    /// <summary>The most decimal places a currency may have; 10^38 still fits an unsigned 128-bit amount.</summary>
    public const byte ScaleMax = 18;
}
