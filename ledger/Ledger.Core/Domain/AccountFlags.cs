namespace Ledger.Core.Domain;

/// <summary>Account flags; the bit positions are TigerBeetle's.</summary>
[Flags]
public enum AccountFlags : ushort
{
    None = 0,
    Linked = 1 << 0,
    DebitsMustNotExceedCredits = 1 << 1,
    CreditsMustNotExceedDebits = 1 << 2,
    History = 1 << 3,
    Closed = 1 << 5,
}
