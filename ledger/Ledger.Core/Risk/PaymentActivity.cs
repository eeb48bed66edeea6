namespace Ledger.Core.Risk;

/// <summary>
/// What a participant has already sent, counting every payment that is not rejected (held ones included),
/// before the payment being assessed: in the payment's sell currency, the outflow (sell amount plus fee)
/// since 00:00 UTC of the payment's day and the sell value within the velocity window; and the number
/// of payments, in any currency, within the window (0 when the profile has no velocity rule).
/// </summary>
public sealed record PaymentActivity(UInt128 OutflowToday, uint CountInWindow, UInt128 ValueInWindow)
{
    public static readonly PaymentActivity None = new(UInt128.Zero, 0, UInt128.Zero);
}
