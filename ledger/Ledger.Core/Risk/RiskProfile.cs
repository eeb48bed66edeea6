namespace Ledger.Core.Risk;

/// <summary>Per-currency limits on what a participant sends (amounts in the currency's minor units); null means no limit.</summary>
public sealed record CurrencyLimit(uint Ledger, UInt128? SinglePaymentMax, UInt128? DailyOutflowMax);

/// <summary>The most value, in one currency, a participant may send within the velocity window before a payment is held.</summary>
public sealed record VelocityValueLimit(uint Ledger, UInt128 ValueMax);

/// <summary>
/// More than <see cref="CountMax"/> payments, or more than a currency's value limit, within the last
/// <see cref="WindowSeconds"/> (the new payment included) holds the payment for the operator.
/// </summary>
public sealed record VelocityRule(uint WindowSeconds, uint? CountMax, IReadOnlyList<VelocityValueLimit> ValueMax)
{
    public const uint WindowSecondsMax = 31 * 24 * 3600;
}

/// <summary>
/// The operator's risk settings for one participant (or the default for participants without their own).
/// </summary>
public sealed record RiskProfile(IReadOnlyList<CurrencyLimit> Limits, VelocityRule? Velocity, DateTimeOffset UpdatedAt);
